//! The settings of a service that runs as several replicas: where files live (an object store)
//! and the read replica of the database.

use std::collections::HashMap;

use super::DatabaseUrl;

/// The object store client's settings; printed without their values (they hold credentials).
#[derive(Clone, Default)]
pub struct StoreOptions(pub Vec<(String, String)>);

impl std::fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

pub(super) struct Scale {
    pub object_store_url: Option<String>,
    pub object_store_options: StoreOptions,
    pub database_read: Option<DatabaseUrl>,
}

pub(super) fn settings(
    vars: &HashMap<String, String>,
    get: &dyn Fn(&str) -> Option<String>,
    database: &DatabaseUrl,
    errs: &mut Vec<String>,
) -> Scale {
    let object_store_url = get("PAHT_OBJECT_STORE_URL");
    if let Some(u) = &object_store_url
        && !(u.starts_with("file:///") || u.starts_with("s3://") && u.len() > 5)
    {
        errs.push(format!(
            "PAHT_OBJECT_STORE_URL: {u:?} must be file:///absolute/path or s3://bucket[/prefix]"
        ));
    }
    let mut options: Vec<(String, String)> = vars
        .iter()
        .filter(|(k, v)| k.starts_with("AWS_") && !v.trim().is_empty())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    options.sort();
    let database_read = get("PAHT_DATABASE_READ_URL").and_then(|raw| {
        match DatabaseUrl::parse(&raw) {
            Ok(u @ DatabaseUrl::Postgres(_)) => Some(u),
            Ok(DatabaseUrl::Sqlite(_)) => {
                errs.push(
                    "PAHT_DATABASE_READ_URL: a read replica is a PostgreSQL database (SQLite reads its own file)"
                        .into(),
                );
                None
            }
            Err(e) => {
                errs.push(format!("PAHT_DATABASE_READ_URL: {e}"));
                None
            }
        }
    });
    if database_read.is_some() && !matches!(database, DatabaseUrl::Postgres(_)) {
        errs.push("PAHT_DATABASE_READ_URL: set only with a PostgreSQL DATABASE_URL".into());
    }
    Scale {
        object_store_url,
        object_store_options: StoreOptions(options),
        database_read,
    }
}
