//! GeoReport v2 services: the categories (lĩnh vực) in force, and their definitions. GeoReport
//! asks for a name, a phone and an e-mail; Art. 4.2 asks for more, so the definition declares
//! it as attributes: the CCCD, the contact address, the administrative unit, and the reporter's
//! choices (to share contact with the agency, to show the name, to keep the result confidential).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::repo;
use crate::db::repo::admin_units::UnitFilter;
use crate::error::{AppError, AppResult};
use crate::service::Context;

/// A category as a GeoReport service.
#[derive(Debug, Clone)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub description: String,
    /// The agency that handles it by default, as the service's group.
    pub group: String,
}

/// A value of a list attribute.
#[derive(Debug, Clone)]
pub struct Choice {
    pub key: String,
    pub name: String,
}

/// An attribute of a service definition.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub code: String,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist`, `multivaluelist`.
    pub datatype: String,
    pub required: bool,
    pub description: String,
    pub datatype_description: String,
    pub order: u32,
    pub values: Vec<Choice>,
}

pub fn not_found() -> AppError {
    AppError::not_found("dịch vụ (lĩnh vực)", "Service")
}

/// The categories in force, by code.
pub fn list(st: &Context) -> AppResult<Vec<Service>> {
    let mut conn = st.pool.get()?;
    let mut out = Vec::new();
    for c in repo::categories::list(&mut conn, Some(true))? {
        let group = match &c.default_agency_id {
            Some(a) => repo::agencies::find(&mut conn, a)?
                .map(|a| a.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        out.push(Service {
            description: c.description.unwrap_or_else(|| c.name.clone()),
            code: c.code,
            name: c.name,
            group,
        });
    }
    Ok(out)
}

fn yes_no() -> Vec<Choice> {
    vec![
        Choice {
            key: "true".into(),
            name: "Có".into(),
        },
        Choice {
            key: "false".into(),
            name: "Không".into(),
        },
    ]
}

/// The definition of a service in force: the attributes a request must or may carry.
pub fn definition(st: &Context, code: &str) -> AppResult<Vec<Attribute>> {
    let mut conn = st.pool.get()?;
    if !repo::categories::find(&mut conn, code)?.is_some_and(|c| c.active) {
        return Err(not_found());
    }
    let today = crate::domain::calendar::local_date(st.clock.now());
    let units = repo::admin_units::list(
        &mut conn,
        &UnitFilter {
            valid_on: Some(today),
            ..Default::default()
        },
    )?;
    let mut all = vec![
        Attribute {
            code: "cccd".into(),
            datatype: "string".into(),
            required: true,
            description: "Số căn cước công dân của người phản ánh (Điều 4.2)".into(),
            datatype_description: "12 chữ số".into(),
            order: 1,
            values: Vec::new(),
        },
        Attribute {
            code: "contact_address".into(),
            datatype: "string".into(),
            required: true,
            description: "Địa chỉ liên hệ của người phản ánh (Điều 4.2)".into(),
            datatype_description: "5 đến 300 ký tự".into(),
            order: 2,
            values: Vec::new(),
        },
        Attribute {
            code: "admin_unit_code".into(),
            datatype: "singlevaluelist".into(),
            required: true,
            description: "Đơn vị hành chính nơi xảy ra sự việc (Điều 4.3)".into(),
            datatype_description: "Mã đơn vị hành chính đang có hiệu lực".into(),
            order: 3,
            values: units
                .into_iter()
                .map(|u| Choice {
                    key: u.code,
                    name: u.name,
                })
                .collect(),
        },
        Attribute {
            code: "title".into(),
            datatype: "string".into(),
            required: false,
            description: "Tiêu đề ngắn (mặc định: câu đầu của nội dung)".into(),
            datatype_description: "5 đến 200 ký tự".into(),
            order: 4,
            values: Vec::new(),
        },
        Attribute {
            code: "consent_processing".into(),
            datatype: "singlevaluelist".into(),
            required: false,
            description: "Đồng ý xử lý dữ liệu cá nhân để tiếp nhận và trả lời phản ánh (GET /privacy/consents); false: không tiếp nhận".into(),
            datatype_description: "true hoặc false (không gửi: xử lý theo nhiệm vụ của Quy chế)".into(),
            order: 5,
            values: yes_no(),
        },
        Attribute {
            code: "consent_share_contact".into(),
            datatype: "singlevaluelist".into(),
            required: false,
            description: "Đồng ý cho cơ quan xử lý biết thông tin liên hệ (Điều 4.5)".into(),
            datatype_description: "true hoặc false (mặc định false)".into(),
            order: 6,
            values: yes_no(),
        },
        Attribute {
            code: "consent_public_name".into(),
            datatype: "singlevaluelist".into(),
            required: false,
            description: "Đồng ý công khai họ tên cùng kết quả".into(),
            datatype_description: "true hoặc false (mặc định false)".into(),
            order: 7,
            values: yes_no(),
        },
        Attribute {
            code: "confidential".into(),
            datatype: "singlevaluelist".into(),
            required: false,
            description: "Đề nghị giữ kín kết quả, chỉ gửi riêng người phản ánh (Điều 9.3b)".into(),
            datatype_description: "true hoặc false (mặc định false)".into(),
            order: 8,
            values: yes_no(),
        },
    ];
    // What an admin added for this category, after the identity.
    for (i, a) in custom(&mut conn, code)?.into_iter().enumerate() {
        all.push(Attribute {
            order: 10 + i as u32,
            ..a
        });
    }
    Ok(all)
}

/// The codes of the attributes every service has (Art. 4.2): an admin's may not take them.
pub const BUILT_IN: [&str; 8] = [
    "cccd",
    "contact_address",
    "admin_unit_code",
    "title",
    "consent_processing",
    "consent_share_contact",
    "consent_public_name",
    "confidential",
];

/// The datatypes of GeoReport v2.
pub const DATATYPES: [&str; 6] = [
    "string",
    "number",
    "datetime",
    "text",
    "singlevaluelist",
    "multivaluelist",
];

/// The attributes an admin added to a category, in order.
pub fn custom(conn: &mut crate::db::DbConn, category: &str) -> AppResult<Vec<Attribute>> {
    Ok(repo::open311::attributes_of(conn, category)?
        .into_iter()
        .map(|r| Attribute {
            values: serde_json::from_str::<Vec<(String, String)>>(&r.choices)
                .unwrap_or_default()
                .into_iter()
                .map(|(key, name)| Choice { key, name })
                .collect(),
            datatype_description: String::new(),
            order: r.position as u32,
            code: r.code,
            datatype: r.datatype,
            required: r.required,
            description: r.description,
        })
        .collect())
}

/// A value of a list attribute, as an admin gives it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceInput {
    /// What the app sends.
    #[validate(length(min = 1, max = 60))]
    #[schema(min_length = 1, max_length = 60)]
    pub key: String,
    /// What the app shows.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// An attribute an admin adds to a category's service definition.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeInput {
    /// 1–40 of a-z, 0-9 and `_`; not a code of the identity (`cccd`, `contact_address`,
    /// `admin_unit_code`, `title`, `consent_processing`, `consent_share_contact`,
    /// `consent_public_name`, `confidential`).
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub code: String,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist` or `multivaluelist`.
    #[schema(pattern = "^(string|number|datetime|text|singlevaluelist|multivaluelist)$")]
    pub datatype: String,
    /// Whether a request must answer it.
    pub required: bool,
    /// The question, in Vietnamese.
    #[validate(length(min = 2, max = 300))]
    #[schema(min_length = 2, max_length = 300)]
    pub description: String,
    /// The values of a list attribute (required for the list datatypes, none otherwise).
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub values: Vec<ChoiceInput>,
}

/// A category's own attributes, replacing the ones before.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributesInput {
    /// At most 30, in the order the apps show them.
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub attributes: Vec<AttributeInput>,
}

fn attribute_error(
    i: usize,
    field: &str,
    vi: &'static str,
    en: &'static str,
) -> crate::error::FieldError {
    crate::error::FieldError::of(format!("attributes[{i}].{field}"), "invalid_value", vi, en)
}

/// Sets the attributes an admin adds to a category (admins).
pub fn set_custom(
    st: &Context,
    _who: &crate::service::auth::Require<crate::service::auth::roles::Admin>,
    category: &str,
    input: AttributesInput,
) -> AppResult<Vec<Attribute>> {
    let mut errors = Vec::new();
    let mut seen = Vec::new();
    for (i, a) in input.attributes.iter().enumerate() {
        if !a
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || BUILT_IN.contains(&a.code.as_str())
            || seen.contains(&a.code)
        {
            errors.push(attribute_error(
                i,
                "code",
                "Mã gồm a-z, 0-9, _; không trùng mã khác hay mã của thông tin người phản ánh.",
                "A code of a-z, 0-9, _; unique, and not a code of the reporter's identity.",
            ));
        }
        seen.push(a.code.clone());
        let list = a.datatype.ends_with("valuelist");
        if !DATATYPES.contains(&a.datatype.as_str()) {
            errors.push(attribute_error(
                i,
                "datatype",
                "Kiểu dữ liệu không hợp lệ.",
                "Not a GeoReport datatype.",
            ));
        } else if list == a.values.is_empty() {
            errors.push(attribute_error(
                i,
                "values",
                "Thuộc tính dạng danh sách cần các giá trị; thuộc tính khác không có.",
                "A list attribute needs values; another has none.",
            ));
        }
        let mut keys: Vec<&str> = a.values.iter().map(|v| v.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() != a.values.len() {
            errors.push(attribute_error(
                i,
                "values",
                "Các giá trị không được trùng nhau.",
                "The values' keys must be unique.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let rows: Vec<crate::db::models::ServiceAttributeRow> = input
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| crate::db::models::ServiceAttributeRow {
            category_code: category.to_string(),
            code: a.code.clone(),
            datatype: a.datatype.clone(),
            required: a.required,
            description: a.description.trim().to_string(),
            position: i as i32,
            choices: serde_json::to_string(
                &a.values
                    .iter()
                    .map(|v| (v.key.trim(), v.name.trim()))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_else(|_| "[]".into()),
        })
        .collect();
    let mut conn = st.pool.get()?;
    crate::db::write_tx(&mut conn, |c| -> AppResult<()> {
        repo::categories::find(c, category)?.ok_or_else(not_found)?;
        repo::open311::set_attributes(c, category, &rows)?;
        Ok(())
    })?;
    custom(&mut conn, category)
}

/// The attributes an admin added to a category (admins).
pub fn get_custom(
    st: &Context,
    _who: &crate::service::auth::Require<crate::service::auth::roles::Admin>,
    category: &str,
) -> AppResult<Vec<Attribute>> {
    let mut conn = st.pool.get()?;
    repo::categories::find(&mut conn, category)?.ok_or_else(not_found)?;
    custom(&mut conn, category)
}
