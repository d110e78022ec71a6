//! The RFC 9457 problem document of an `AppError`, and its HTTP response.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppError, Lang};

impl AppError {
    /// The problem document in the given language.
    pub fn problem(&self, lang: Lang) -> Problem {
        Problem {
            r#type: format!("https://paht.vn/problems/{}", self.code.replace('_', "-")),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_string(),
            code: self.code.to_string(),
            errors: self
                .errors
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code.to_string(),
                    message: f.message.get(lang).to_string(),
                })
                .collect(),
        }
    }

    /// The HTTP response in the given language.
    pub fn to_response(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.content_type("application/problem+json");
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let Some(allow) = &self.allow
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            res.insert_header((header::ALLOW, v));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.body(serde_json::to_vec(&self.problem(lang)).unwrap_or_default())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = %self.code, cause = self.cause.as_deref().unwrap_or(""), "request failed");
        }
        // The request-context middleware re-renders it in English when asked.
        self.to_response(Lang::Vi)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[schema(example = "https://paht.vn/problems/validation-failed")]
    pub r#type: String,
    /// The HTTP reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person (Vietnamese unless `Accept-Language: en`).
    pub detail: String,
    /// A stable snake_case code for programs; every code, with its meaning, is listed in
    /// `docs/errors.md`.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// The invalid fields, for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field in a problem document.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ProblemField {
    /// The field's path in the request body, or the parameter's name.
    pub field: String,
    /// A stable snake_case code (listed in `docs/errors.md`).
    pub code: String,
    /// What is wrong with it.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_document_hides_the_cause() {
        let e = AppError::internal("password=hunter2 at db");
        let p = serde_json::to_string(&e.problem(Lang::En)).unwrap();
        assert!(!p.contains("hunter2"));
        assert!(p.contains("\"code\":\"internal_error\""));
        assert!(p.contains("\"status\":500"));
    }
}
