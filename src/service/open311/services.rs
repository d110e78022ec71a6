//! GeoReport v2 services: the categories (lĩnh vực) in force, and their definitions. GeoReport
//! asks for a name, a phone and an e-mail; Art. 4.2 asks for more, so the definition declares
//! it as attributes: the CCCD, the contact address, the administrative unit, and the reporter's
//! choices (to share contact with the agency, to show the name, to keep the result confidential).

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
    pub code: &'static str,
    /// `string`, `singlevaluelist`, …
    pub datatype: &'static str,
    pub required: bool,
    pub description: &'static str,
    pub datatype_description: &'static str,
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
    Ok(vec![
        Attribute {
            code: "cccd",
            datatype: "string",
            required: true,
            description: "Số căn cước công dân của người phản ánh (Điều 4.2)",
            datatype_description: "12 chữ số",
            order: 1,
            values: Vec::new(),
        },
        Attribute {
            code: "contact_address",
            datatype: "string",
            required: true,
            description: "Địa chỉ liên hệ của người phản ánh (Điều 4.2)",
            datatype_description: "5 đến 300 ký tự",
            order: 2,
            values: Vec::new(),
        },
        Attribute {
            code: "admin_unit_code",
            datatype: "singlevaluelist",
            required: true,
            description: "Đơn vị hành chính nơi xảy ra sự việc (Điều 4.3)",
            datatype_description: "Mã đơn vị hành chính đang có hiệu lực",
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
            code: "title",
            datatype: "string",
            required: false,
            description: "Tiêu đề ngắn (mặc định: câu đầu của nội dung)",
            datatype_description: "5 đến 200 ký tự",
            order: 4,
            values: Vec::new(),
        },
        Attribute {
            code: "consent_share_contact",
            datatype: "singlevaluelist",
            required: false,
            description: "Đồng ý cho cơ quan xử lý biết thông tin liên hệ (Điều 4.5)",
            datatype_description: "true hoặc false (mặc định false)",
            order: 5,
            values: yes_no(),
        },
        Attribute {
            code: "consent_public_name",
            datatype: "singlevaluelist",
            required: false,
            description: "Đồng ý công khai họ tên cùng kết quả",
            datatype_description: "true hoặc false (mặc định false)",
            order: 6,
            values: yes_no(),
        },
        Attribute {
            code: "confidential",
            datatype: "singlevaluelist",
            required: false,
            description: "Đề nghị giữ kín kết quả, chỉ gửi riêng người phản ánh (Điều 9.3b)",
            datatype_description: "true hoặc false (mặc định false)",
            order: 7,
            values: yes_no(),
        },
    ])
}
