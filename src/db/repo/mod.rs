//! Repository functions: SQL through diesel, one module per table, written once for both
//! backends. They take a `&mut DbConn` and never open transactions (the service does).

pub mod accounts;
pub mod admin_units;
pub mod agencies;
pub mod calendar;
pub mod categories;
pub mod channels;
pub mod counters;
pub mod duplicates;
pub mod follow_up;
pub mod identity;
pub mod letters;
pub mod live;
pub mod objects;
pub mod open311;
pub mod outbox;
pub mod places;
pub mod privacy;
pub mod recognitions;
pub mod reports;
pub mod retention;
pub mod stats;
pub mod throttle;
pub mod tokens;
pub mod users;

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

diesel::define_sql_function! {
    /// SQL `lower()`: `LIKE` ignores ASCII case on SQLite but not on PostgreSQL, so both sides
    /// are lowered.
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}
