//! Query strings, the deserialisers of their values, and the actix extractor configs.

use actix_web::dev::Payload;
use actix_web::web::{self};
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{AppError, FieldError, Msg};

use super::messages::{describe_serde_error, validate};

/// A query string, deserialised (unknown parameters rejected by the types) and validated.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T> ValidQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate> FromRequest for ValidQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query::<T>(req.query_string()).map(ValidQuery))
    }
}

pub fn parse_query<T: DeserializeOwned + Validate>(qs: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(qs.as_bytes()));
    let value: T = serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let msg = err.inner().to_string();
        let fe = describe_serde_error(&path, &msg);
        let field = if fe.field == "body" {
            "query".to_string()
        } else {
            fe.field
        };
        AppError::bad_parameter(
            "invalid_query",
            vec![FieldError::new(field, fe.code, fe.message)],
        )
    })?;
    validate(&value)
        .map_err(|mut e| AppError::bad_parameter("invalid_query", std::mem::take(&mut e.errors)))?;
    Ok(value)
}

// ---------------------------------------------------------------- actix configs

/// Maps path-parameter failures to a problem document.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, req| {
        let names: Vec<String> = req
            .match_info()
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        AppError::bad_parameter(
            "invalid_path_parameter",
            names
                .into_iter()
                .map(|n| {
                    FieldError::new(
                        n,
                        "invalid_value",
                        Msg::new("Giá trị không hợp lệ.", "Invalid value."),
                    )
                })
                .collect(),
        )
        .into()
    })
}

/// Maps `web::Query` failures to a problem document.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_err, _req| {
        AppError::bad_parameter(
            "invalid_query",
            vec![FieldError::new(
                "query",
                "invalid_value",
                Msg::new("Tham số truy vấn không hợp lệ.", "Invalid query parameter."),
            )],
        )
        .into()
    })
}

/// Maps `web::Json` failures (where a handler uses it) to problem documents.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |err, _req| {
            use actix_web::error::JsonPayloadError as E;
            match err {
                E::OverflowKnownLength { .. } | E::Overflow { .. } => {
                    AppError::payload_too_large(limit)
                }
                E::ContentType => AppError::unsupported_media_type(),
                _ => AppError::bad_request(
                    "malformed_json",
                    "Dữ liệu gửi lên không phải JSON hợp lệ.",
                    "The request body is not valid JSON.",
                ),
            }
            .into()
        })
}

/// The body-size limit for raw payloads (`ValidJson` reads `BodyLimits`).
pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

/// Deserializers for query parameters, with messages that name what is expected and never
/// repeat the value.
pub mod de {
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::{Deserialize, Deserializer, de::Error};

    /// An RFC 3339 instant with its offset. In a query string an unencoded `+` arrives as a
    /// space, so a space before the offset is read as `+`.
    pub fn instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        let s = s.trim().replace(' ', "+");
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|_| {
                D::Error::custom(
                    "invalid value, expected an RFC 3339 instant such as 2026-02-13T15:00:00+07:00",
                )
            })
    }

    /// An optional RFC 3339 instant (`#[serde(default, deserialize_with = "de::opt_instant")]`).
    pub fn opt_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        instant(d).map(Some)
    }

    /// An optional local date (`#[serde(default, deserialize_with = "de::opt_date")]`).
    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        date(d).map(Some)
    }

    /// A local date `YYYY-MM-DD`.
    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| D::Error::custom("invalid value, expected a date YYYY-MM-DD"))
    }

    /// A comma-separated list of values of `T` (`a,b`; blanks and empty items ignored), each
    /// read as `T` reads itself: `#[serde(default, deserialize_with = "de::comma_list")]`.
    pub fn comma_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: serde::de::DeserializeOwned,
    {
        use serde::de::IntoDeserializer;
        let s = String::deserialize(d)?;
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let item: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
                    p.into_deserializer();
                T::deserialize(item).map_err(D::Error::custom)
            })
            .collect()
    }
}
