//! The settings of personal-data protection: the keys that seal reporters' identities at rest,
//! the blind-index key of the lookups by phone and identity number, and how long each class of
//! personal data is kept.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::DatabaseUrl;

/// The keys of identity encryption; printed without their values.
#[derive(Clone, Default)]
pub struct DataKeys {
    /// `(key id, 32 bytes)`, the current key first; older keys still open what they sealed.
    pub keys: Vec<(String, Vec<u8>)>,
    /// The HMAC key of the blind indexes (at least 32 bytes).
    pub index: Option<Vec<u8>>,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKeys")
            .field(
                "ids",
                &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("index", &self.index.as_ref().map(|_| "***"))
            .finish()
    }
}

impl DataKeys {
    /// Parses `id:base64,id:base64` (the current key first): ids of 1–16 of `a-z`, `0-9`,
    /// `-`; each key exactly 32 bytes.
    pub fn parse_keys(raw: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut out: Vec<(String, Vec<u8>)> = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, key) = part
                .split_once(':')
                .ok_or_else(|| "each key is id:base64".to_string())?;
            if id.is_empty()
                || id.len() > 16
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(format!("key id {id:?}: 1–16 of a-z, 0-9 and -"));
            }
            let bytes = STANDARD
                .decode(key.trim())
                .map_err(|_| format!("key {id}: not base64"))?;
            if bytes.len() != 32 {
                return Err(format!("key {id}: must be 32 bytes (AES-256)"));
            }
            if out.iter().any(|(k, _)| k == id) {
                return Err(format!("key id {id} appears twice"));
            }
            out.push((id.to_string(), bytes));
        }
        if out.is_empty() {
            return Err("no key".into());
        }
        Ok(out)
    }

    /// Parses the index key: base64 of at least 32 bytes.
    pub fn parse_index(raw: &str) -> Result<Vec<u8>, String> {
        let bytes = STANDARD
            .decode(raw.trim())
            .map_err(|_| "not base64".to_string())?;
        if bytes.len() < 32 {
            return Err("must be at least 32 bytes".into());
        }
        Ok(bytes)
    }
}

/// How long each class of personal data is kept, in days; `None` keeps it. The identity, the
/// attachments and the report's own texts count from the day the report's handling ended
/// (published, refused, forwarded, emergency handled); recordings from the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// `PAHT_RETENTION_IDENTITY_DAYS` (default 1826, five years).
    pub identity_days: Option<u32>,
    /// `PAHT_RETENTION_RECORDINGS_DAYS` (default 365).
    pub recordings_days: Option<u32>,
    /// `PAHT_RETENTION_ATTACHMENTS_DAYS` (default 1826).
    pub attachments_days: Option<u32>,
    /// `PAHT_RETENTION_REPORT_DAYS` (default: kept, `never`): the reporter's own words (title,
    /// content, place) are blanked; the answer and the statistics stay.
    pub report_days: Option<u32>,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            identity_days: Some(1826),
            recordings_days: Some(365),
            attachments_days: Some(1826),
            report_days: None,
        }
    }
}

/// A number of days (1–36500), or `never`.
fn days(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: Option<u32>,
    errs: &mut Vec<String>,
) -> Option<u32> {
    match get(name).as_deref().map(str::trim) {
        None => default,
        Some("never") => None,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=36_500).contains(&n) => Some(n),
            _ => {
                errs.push(format!("{name}: a number of days (1–36500) or never"));
                default
            }
        },
    }
}

pub(super) fn settings(
    get: &dyn Fn(&str) -> Option<String>,
    database: &DatabaseUrl,
    errs: &mut Vec<String>,
) -> (DataKeys, Retention) {
    let d = Retention::default();
    let retention = Retention {
        identity_days: days(get, "PAHT_RETENTION_IDENTITY_DAYS", d.identity_days, errs),
        recordings_days: days(
            get,
            "PAHT_RETENTION_RECORDINGS_DAYS",
            d.recordings_days,
            errs,
        ),
        attachments_days: days(
            get,
            "PAHT_RETENTION_ATTACHMENTS_DAYS",
            d.attachments_days,
            errs,
        ),
        report_days: days(get, "PAHT_RETENTION_REPORT_DAYS", d.report_days, errs),
    };
    let mut keys = DataKeys::default();
    match get("PAHT_DATA_KEYS").map(|raw| DataKeys::parse_keys(&raw)) {
        Some(Ok(k)) => keys.keys = k,
        Some(Err(e)) => errs.push(format!("PAHT_DATA_KEYS: {e}")),
        None => {}
    }
    match get("PAHT_DATA_INDEX_KEY").map(|raw| DataKeys::parse_index(&raw)) {
        Some(Ok(k)) => keys.index = Some(k),
        Some(Err(e)) => errs.push(format!("PAHT_DATA_INDEX_KEY: {e}")),
        None => {}
    }
    // Several replicas must seal and look up with the same keys; SQLite (one process) keeps
    // keys generated on first start in the data folder.
    if matches!(database, DatabaseUrl::Postgres(_)) {
        for (name, missing) in [
            ("PAHT_DATA_KEYS", keys.keys.is_empty()),
            ("PAHT_DATA_INDEX_KEY", keys.index.is_none()),
        ] {
            if missing && get(name).is_none() {
                errs.push(format!(
                    "{name}: required on PostgreSQL (every replica must seal identities with the same keys)"
                ));
            }
        }
    }
    (keys, retention)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_with_ids_and_exact_length() {
        let k = STANDARD.encode([7u8; 32]);
        let parsed = DataKeys::parse_keys(&format!("k2:{k}, k1:{k}")).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].0, "k2");
        assert!(DataKeys::parse_keys(&format!("K2:{k}")).is_err());
        assert!(DataKeys::parse_keys(&format!("a:{k},a:{k}")).is_err());
        assert!(DataKeys::parse_keys(&format!("a:{}", STANDARD.encode([1u8; 16]))).is_err());
        assert!(DataKeys::parse_keys("a").is_err());
        assert!(DataKeys::parse_index(&STANDARD.encode([1u8; 31])).is_err());
        let shown = format!(
            "{:?}",
            DataKeys {
                keys: parsed,
                index: Some(vec![1; 32])
            }
        );
        assert!(!shown.contains(&k) && shown.contains("k2"), "{shown}");
    }

    #[test]
    fn postgres_needs_shared_keys() {
        let cfg = |url: &str| {
            crate::config::Config::from_map(
                &[("DATABASE_URL".to_string(), url.to_string())]
                    .into_iter()
                    .collect(),
            )
        };
        let errs = cfg("postgres://u@h/db").unwrap_err();
        for name in ["PAHT_DATA_KEYS", "PAHT_DATA_INDEX_KEY", "PAHT_JWT_SECRET"] {
            assert!(
                errs.iter()
                    .any(|e| e.starts_with(&format!("{name}: required"))),
                "{errs:?}"
            );
        }
        assert!(cfg("sqlite://x.db").is_ok());
    }
}
