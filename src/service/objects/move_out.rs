//! Moves the files kept in the database (written before the object store) out of it: each
//! row's bytes are checked against its digest, stored, and only then emptied in the row, one
//! row at a time. Stopped anywhere, it resumes where it stopped (a row is emptied only once its
//! object is stored; storing the same bytes again is harmless); several movers at once (the
//! replicas starting, the command) are safe for the same reasons.

use crate::db::repo;
use crate::db::repo::objects::Kept;
use crate::error::AppResult;
use crate::service::Context;
use crate::service::objects::sha256_of;

/// What a run moved.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Moved {
    pub attachments: usize,
    pub recordings: usize,
    pub mails: usize,
    pub bytes: u64,
    /// Rows whose bytes do not match their digest: left in the database, and logged.
    pub damaged: usize,
}

impl Moved {
    pub fn rows(&self) -> usize {
        self.attachments + self.recordings + self.mails
    }
}

/// Moves at most `max` rows (all of them with `usize::MAX`), `batch` ids read at a time.
pub fn run(st: &Context, batch: i64, max: usize) -> AppResult<Moved> {
    let mut out = Moved::default();
    let mut conn = st.pool.get()?;
    for kind in [Kept::Attachment, Kept::Recording, Kept::Mail] {
        let mut after = String::new();
        loop {
            if out.rows() >= max {
                return Ok(out);
            }
            let rows = repo::objects::kept(&mut conn, kind, &after, batch.max(1))?;
            let Some((last, _)) = rows.last() else {
                break;
            };
            after = last.clone();
            for (id, sha) in rows {
                if out.rows() >= max {
                    return Ok(out);
                }
                let Some(bytes) = repo::objects::kept_bytes(&mut conn, kind, &id)? else {
                    continue;
                };
                if sha256_of(&bytes) != sha {
                    tracing::error!(row = %id, kind = ?kind, "stored bytes do not match their SHA-256: left in the database");
                    out.damaged += 1;
                    continue;
                }
                st.objects.put(&bytes)?;
                if repo::objects::release(&mut conn, kind, &id)? {
                    out.bytes += bytes.len() as u64;
                    match kind {
                        Kept::Attachment => out.attachments += 1,
                        Kept::Recording => out.recordings += 1,
                        Kept::Mail => out.mails += 1,
                    }
                }
            }
        }
    }
    Ok(out)
}
