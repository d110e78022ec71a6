//! Answers for requests no route takes: 405 with `Allow` when the path exists with other
//! methods, else 404 — both as problem documents. The table comes from the OpenAPI document,
//! so it always matches the routes that are served.

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;

pub struct RouteTable(Vec<(ResourceDef, Vec<&'static str>)>);

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut out = Vec::new();
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
            out.push((ResourceDef::new(path.as_str()), methods));
        }
        out.push((ResourceDef::new("/openapi.json"), vec!["GET"]));
        out.push((ResourceDef::new("/docs"), vec!["GET"]));
        out.push((ResourceDef::new("/docs/{tail}*"), vec!["GET"]));
        Self(out)
    }

    /// The methods served at a path, if any route matches it.
    pub fn allowed(&self, path: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.join(", "))
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
