//! Answers for requests no route takes: 405 with `Allow` when the path exists with other
//! methods, else 404 — both as problem documents. The table comes from the OpenAPI document,
//! so it always matches the routes that are served.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;

/// The served routes as a tree of path segments: a path is matched in as many steps as it has
/// segments, whatever the number of routes (matching every route's pattern in turn cost a
/// third of the time of a cheap request). A literal segment is preferred to a parameter.
pub struct RouteTable {
    root: Node,
}

#[derive(Default)]
struct Node {
    literal: HashMap<String, Node>,
    /// `{name}`: any one non-empty segment.
    param: Option<Box<Node>>,
    /// `{name}*` as the last segment: whatever follows.
    tail: Option<Route>,
    route: Option<Route>,
}

struct Route {
    pattern: String,
    methods: Vec<&'static str>,
}

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut table = RouteTable {
            root: Node::default(),
        };
        for (path, item) in &doc.paths.paths {
            let mut methods = Vec::new();
            for (m, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if op.is_some() {
                    methods.push(m);
                }
            }
            table.add(path, methods);
        }
        table.add("/openapi.json", vec!["GET"]);
        table.add("/docs", vec!["GET"]);
        table.add("/docs/{tail}*", vec!["GET"]);
        table
    }

    fn add(&mut self, pattern: &str, methods: Vec<&'static str>) {
        let route = Route {
            pattern: pattern.to_string(),
            methods,
        };
        let mut node = &mut self.root;
        let segments: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
        for (i, seg) in segments.iter().enumerate() {
            if seg.starts_with('{') && seg.ends_with("}*") && i + 1 == segments.len() {
                node.tail = Some(route);
                return;
            }
            node = if seg.starts_with('{') {
                node.param.get_or_insert_with(Box::default)
            } else {
                node.literal.entry(seg.to_string()).or_default()
            };
        }
        node.route = Some(route);
    }

    fn find(&self, path: &str) -> Option<&Route> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.root.find(&segments)
    }

    /// The methods served at a path, if any route matches it.
    pub fn allowed(&self, path: &str) -> Option<String> {
        self.find(path).map(|r| r.methods.join(", "))
    }

    /// The pattern of the route that matches a path (the label of its metrics).
    pub fn pattern(&self, path: &str) -> Option<&str> {
        self.find(path).map(|r| r.pattern.as_str())
    }
}

impl Node {
    fn find(&self, segments: &[&str]) -> Option<&Route> {
        let Some((first, rest)) = segments.split_first() else {
            return self.route.as_ref();
        };
        self.literal
            .get(*first)
            .and_then(|n| n.find(rest))
            .or_else(|| {
                self.param
                    .as_ref()
                    .filter(|_| !first.is_empty())
                    .and_then(|n| n.find(rest))
            })
            .or(self.tail.as_ref())
    }
}

pub async fn not_found_or_not_allowed(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, AppError> {
    Err(match routes.allowed(req.path()) {
        Some(allow) => AppError::method_not_allowed(allow),
        None => AppError::route_not_found(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_segment_wins_over_a_parameter() {
        let mut t = RouteTable {
            root: Node::default(),
        };
        t.add("/api/v1/reports/{id}", vec!["GET"]);
        t.add("/api/v1/reports/export", vec!["GET"]);
        t.add("/api/v1/reports/{id}/events", vec!["GET"]);
        t.add("/api/v1/reports", vec!["GET", "POST"]);
        t.add("/docs/{tail}*", vec!["GET"]);
        let p = |path| t.pattern(path);
        assert_eq!(p("/api/v1/reports/export"), Some("/api/v1/reports/export"));
        assert_eq!(p("/api/v1/reports/abc"), Some("/api/v1/reports/{id}"));
        assert_eq!(
            p("/api/v1/reports/abc/events"),
            Some("/api/v1/reports/{id}/events")
        );
        assert_eq!(p("/api/v1/reports"), Some("/api/v1/reports"));
        assert_eq!(p("/api/v1/reports/"), None);
        assert_eq!(p("/api/v1/reports//events"), None);
        assert_eq!(p("/api/v1/reports/a/b"), None);
        assert_eq!(p("/docs/index.html"), Some("/docs/{tail}*"));
        assert_eq!(p("/docs/a/b.css"), Some("/docs/{tail}*"));
        assert_eq!(t.allowed("/api/v1/reports").as_deref(), Some("GET, POST"));
    }
}
