//! One report's whole file for the archive (Art. 5) and for an inquiry: the report as the caller
//! sees it, its history, its letter and its attachments, gathered in one read.

use crate::db::models::{AttachmentMeta, EventRow};
use crate::db::repo;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

use super::queries::{ReportDetails, details};

/// What a dossier holds.
pub struct Dossier {
    pub details: ReportDetails,
    pub events: Vec<EventRow>,
    /// The Annex I letter (PDF), once issued.
    pub letter: Option<Vec<u8>>,
    pub files: Vec<(AttachmentMeta, Vec<u8>)>,
}

/// The dossier of a report, for the IOC and for its lead agency (403 for anyone else who may
/// see the report, 404 for those who may not).
pub fn gather(st: &Context, who: &Principal, id: &str) -> AppResult<Dossier> {
    let now = st.clock.now();
    let mut conn = st.pool.get()?;
    crate::db::write_tx(&mut conn, |c| {
        let r = super::load_visible(c, who, id)?;
        let allowed = match who.role {
            Role::Operator | Role::Admin => true,
            Role::AgencyStaff | Role::AgencyLeader => {
                r.lead_agency_id.is_some() && who.agency_id == r.lead_agency_id
            }
            _ => false,
        };
        if !allowed {
            return Err(AppError::forbidden());
        }
        let letter = match repo::letters::latest_of(c, &st.vault, &r.id)? {
            Some(l) => Some(crate::service::letters::issued_pdf(st, c, &l, &r.code)?),
            None => None,
        };
        let mut files = Vec::new();
        for meta in repo::reports::attachments_of(c, &r.id)? {
            let inline = repo::reports::attachment_data(c, &meta.id)?;
            let data = crate::service::objects::read(&st.objects, inline, &meta.sha256, None)?;
            files.push((meta, data));
        }
        let events = repo::reports::events_of(c, &r.id)?;
        // Reading the dossier reads the reporter's identity: recorded like any staff read.
        Ok(Dossier {
            details: details(c, &st.vault, who, r, now)?,
            events,
            letter,
            files,
        })
    })
}
