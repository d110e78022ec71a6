//! Serde and validator failures as field errors that name the field and never repeat the
//! submitted value (it could be personal data).

use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{AppError, FieldError, Msg};

/// Turns a serde message into a field error without the submitted value.
pub(super) fn describe_serde_error(path: &str, msg: &str) -> FieldError {
    let path = if path == "." { "" } else { path };
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    let expected = msg
        .rsplit_once(", expected ")
        .or_else(|| msg.rsplit_once(" expected "))
        .map(|(_, e)| {
            e.split(" at line ")
                .next()
                .unwrap_or(e)
                .trim_start_matches("one of ")
                .to_string()
        })
        .unwrap_or_default();
    let whole = || {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    if msg.starts_with("missing field") {
        FieldError::new(
            join(&quoted(msg)),
            "required",
            Msg::new("Trường này là bắt buộc.", "This field is required."),
        )
    } else if msg.starts_with("unknown field") {
        FieldError::new(
            join(&quoted(msg)),
            "unknown_field",
            Msg::new(
                "Trường này không được chấp nhận.",
                "This field is not accepted.",
            ),
        )
    } else if msg.starts_with("unknown variant") {
        FieldError::new(
            whole(),
            "invalid_value",
            Msg::new(
                format!("Giá trị không hợp lệ; cần một trong: {expected}."),
                format!("Invalid value; expected one of {expected}."),
            ),
        )
    } else if expected.is_empty() {
        FieldError::new(
            whole(),
            "invalid_value",
            Msg::new("Giá trị không hợp lệ.", "Invalid value."),
        )
    } else {
        FieldError::new(
            whole(),
            "invalid_type",
            Msg::new(
                format!("Kiểu dữ liệu không hợp lệ; cần {}.", expected_vi(&expected)),
                format!("Invalid type; expected {expected}."),
            ),
        )
    }
}

/// Serde's names of expected types, in Vietnamese.
fn expected_vi(expected: &str) -> String {
    let e = expected.trim();
    let vi = if e.contains("RFC 3339") {
        "thời điểm theo RFC 3339 có múi giờ, ví dụ 2026-02-13T15:00:00+07:00"
    } else if e.contains("YYYY-MM-DD") {
        "ngày dạng YYYY-MM-DD"
    } else if e.contains("string") || e.contains("char") {
        "chuỗi ký tự"
    } else if e.contains("bool") {
        "giá trị true/false"
    } else if e.starts_with('i') || e.starts_with('u') || e.contains("integer") {
        "số nguyên"
    } else if e.starts_with('f') || e.contains("float") || e.contains("number") {
        "số"
    } else if e.contains("sequence") || e.contains("array") {
        "danh sách"
    } else if e.contains("map") || e.starts_with("struct") {
        "đối tượng JSON"
    } else {
        return e.to_string();
    };
    vi.to_string()
}

/// Runs the `validator` rules and names every failing field.
pub fn validate<T: Validate>(value: &T) -> Result<(), AppError> {
    match value.validate() {
        Ok(()) => Ok(()),
        Err(errs) => {
            let mut out = Vec::new();
            flatten(&errs, "", &mut out);
            Err(AppError::validation(out))
        }
    }
}

fn flatten(errs: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    out.push(FieldError::new(
                        path.clone(),
                        e.code.clone(),
                        validation_message(e),
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

fn validation_message(e: &validator::ValidationError) -> Msg {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => Msg::new(
                format!("Độ dài phải từ {min} đến {max} ký tự."),
                format!("Length must be {min} to {max} characters."),
            ),
            (Some(min), None) => Msg::new(
                format!("Cần ít nhất {min} ký tự."),
                format!("At least {min} characters."),
            ),
            (None, Some(max)) => Msg::new(
                format!("Tối đa {max} ký tự."),
                format!("At most {max} characters."),
            ),
            _ => Msg::new("Độ dài không hợp lệ.", "Invalid length."),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => Msg::new(
                format!("Giá trị phải từ {min} đến {max}."),
                format!("Must be between {min} and {max}."),
            ),
            _ => Msg::new("Giá trị ngoài phạm vi cho phép.", "Value out of range."),
        },
        "email" => Msg::new(
            "Địa chỉ thư điện tử không hợp lệ.",
            "Not a valid e-mail address.",
        ),
        "required" => Msg::new("Trường này là bắt buộc.", "This field is required."),
        _ => match &e.message {
            Some(m) => Msg::new(m.to_string(), m.to_string()),
            None => Msg::new("Giá trị không hợp lệ.", "Invalid value."),
        },
    }
}
