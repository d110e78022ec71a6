//! A message in both languages the API speaks, the language of a response, and one invalid
//! field of a request.

use std::borrow::Cow;

/// A message in both languages the API speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub vi: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Msg {
    pub fn new(vi: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// The language of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header: English only when the client
    /// prefers it to Vietnamese.
    pub fn from_accept_language(value: Option<&str>) -> Self {
        let Some(value) = value else { return Lang::Vi };
        let (mut best_en, mut best_vi) = (-1.0f32, -1.0f32);
        for item in value.split(',') {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if tag == "en" || tag.starts_with("en-") {
                best_en = best_en.max(q);
            } else if tag == "vi" || tag.starts_with("vi-") || tag == "*" {
                best_vi = best_vi.max(q);
            }
        }
        if best_en > 0.0 && best_en > best_vi {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's path in the request, e.g. `email` or `reporter.phone`, or a parameter name.
    pub field: String,
    /// A stable snake_case code, e.g. `required`, `too_long`, `invalid_format`.
    pub code: Cow<'static, str>,
    pub message: Msg,
}

impl FieldError {
    /// A field error from its code and its two messages (the one helper for it).
    pub fn of(
        field: impl Into<String>,
        code: &'static str,
        vi: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(field, code, Msg::new(vi, en))
    }

    pub fn new(field: impl Into<String>, code: impl Into<Cow<'static, str>>, message: Msg) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message,
        }
    }

    /// A control character (U+0000 and the like) where the API takes none.
    pub fn control_character(field: impl Into<String>) -> Self {
        Self::new(
            field,
            "control_character",
            Msg::new(
                "Có ký tự điều khiển (ví dụ U+0000) không được phép.",
                "Contains a control character (such as U+0000) that is not allowed.",
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_negotiation() {
        assert_eq!(Lang::from_accept_language(None), Lang::Vi);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("vi,en;q=0.8")), Lang::Vi);
        assert_eq!(
            Lang::from_accept_language(Some("vi;q=0.5,en;q=0.8")),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Vi);
    }
}
