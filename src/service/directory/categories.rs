//! Categories of reports (lĩnh vực), with an optional default agency.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{CategoryChanges, CategoryRow};
use crate::db::{DbConn, repo, write_tx};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::users::double_option;

use super::*;

fn category_not_found() -> AppError {
    AppError::not_found("lĩnh vực", "Category")
}

/// A new category (lĩnh vực).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// A stable code: 2–50 of a-z, 0-9 and `-` (also the Open311 `service_code`).
    #[schema(example = "giao-thong", min_length = 2, max_length = 50)]
    pub code: String,
    /// Name shown to citizens.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Giao thông", min_length = 1, max_length = 200)]
    pub name: String,
    /// What the category covers.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// The agency the IOC usually dispatches these reports to.
    pub default_agency_id: Option<String>,
}

/// Changes to a category; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    /// Name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Description; `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Default agency; `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub default_agency_id: Option<Option<String>>,
    /// `false` hides the category from new reports.
    pub active: Option<bool>,
}

fn check_default_agency(conn: &mut DbConn, id: Option<&str>) -> AppResult<()> {
    if let Some(id) = id
        && repo::agencies::find(conn, id)?.is_none()
    {
        return Err(AppError::validation(vec![FieldError::of(
            "default_agency_id",
            "unknown_agency",
            "Cơ quan không tồn tại.",
            "No such agency.",
        )]));
    }
    Ok(())
}

pub fn create_category(st: &Context, input: NewCategory) -> AppResult<CategoryRow> {
    let code = input.code.trim().to_string();
    let valid = (2..=50).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(AppError::validation(vec![FieldError::of(
            "code",
            "invalid_format",
            "Mã gồm 2–50 ký tự a-z, 0-9 và '-'.",
            "A code has 2–50 of a-z, 0-9 and '-'.",
        )]));
    }
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<CategoryRow> {
        check_default_agency(c, input.default_agency_id.as_deref())?;
        if repo::categories::find(c, &code)?.is_some() {
            return Err(code_taken());
        }
        let row = CategoryRow {
            code,
            name: input.name.trim().to_string(),
            description: input.description,
            default_agency_id: input.default_agency_id,
            active: true,
            created_at: now,
            updated_at: now,
        };
        repo::categories::insert(c, &row)?;
        Ok(row)
    })
}

pub fn update_category(st: &Context, code: &str, patch: CategoryPatch) -> AppResult<CategoryRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<CategoryRow> {
        repo::categories::find(c, code)?.ok_or_else(category_not_found)?;
        check_default_agency(
            c,
            patch.default_agency_id.as_ref().and_then(|a| a.as_deref()),
        )?;
        let changes = CategoryChanges {
            name: patch.name.map(|n| n.trim().to_string()),
            description: patch.description,
            default_agency_id: patch.default_agency_id,
            active: patch.active,
            updated_at: Some(now),
        };
        repo::categories::update(c, code, &changes)?;
        repo::categories::find(c, code)?.ok_or_else(category_not_found)
    })
}

/// Deletes a category. Once reports refer to it the database refuses (409); deactivate it then.
pub fn delete_category(st: &Context, code: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        repo::categories::find(c, code)?.ok_or_else(category_not_found)?;
        repo::categories::delete(c, code)?;
        Ok(())
    })
}

pub fn get_category(st: &Context, code: &str) -> AppResult<CategoryRow> {
    let mut conn = st.pool.get()?;
    repo::categories::find(&mut conn, code)?.ok_or_else(category_not_found)
}

pub fn list_categories(st: &Context, active: Option<bool>) -> AppResult<Vec<CategoryRow>> {
    let mut conn = st.pool.get()?;
    Ok(repo::categories::list(&mut conn, active)?)
}
