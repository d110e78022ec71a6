//! Consents (Law 91/2025/QH15; Art. 4.5): each purpose of a report is a record of what the
//! reporter chose, under which wording, when, through which channel and with what proof (the
//! call for a hotline report, the e-mail for one that came by mail). Nothing is pre-ticked: a
//! purpose the reporter did not tick is recorded as refused. Where consent is not the basis (a
//! submission without an explicit consent to processing; an emergency, Art. 8.6) the basis is
//! recorded instead.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::{ConsentRow, ReportRow};
use crate::db::{DbConn, new_id, repo};
use crate::domain::privacy::{Basis, Purpose, WORDING_VERSION};
use crate::domain::roles::Role;
use crate::error::AppResult;
use crate::service::auth::Principal;

/// What the reporter chose at submission.
#[derive(Debug, Clone)]
pub struct Choices {
    /// `Some(true)`: an explicit consent to processing; `None`: none was asked (the public
    /// task is the basis). `Some(false)` never reaches here: the submission is refused.
    pub processing: Option<bool>,
    pub wording: Option<String>,
    pub share_contact: bool,
    pub public_name: bool,
    pub confidential: bool,
}

/// Records the four purposes of a new report, in its submission's transaction. `proof` names
/// what the choice came with (the call, the e-mail, the Open311 client).
pub fn at_submission(
    c: &mut DbConn,
    who: &Principal,
    r: &ReportRow,
    choices: &Choices,
    proof: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let wording = choices
        .wording
        .clone()
        .unwrap_or_else(|| WORDING_VERSION.to_string());
    let proof = proof.or_else(|| {
        who.actor_id()
            .filter(|_| who.role == Role::Citizen)
            .map(|id| format!("tài khoản {id}"))
    });
    let row = |purpose: Purpose, basis: Basis, granted: bool| ConsentRow {
        id: new_id(),
        report_id: r.id.clone(),
        purpose: purpose.as_str().to_string(),
        basis: basis.as_str().to_string(),
        granted,
        wording_version: (basis == Basis::Consent).then(|| wording.clone()),
        channel: r.channel.as_str().to_string(),
        proof: proof.clone(),
        recorded_by: (who.role == Role::Operator).then(|| who.user_id.clone()),
        given_at: now.naive_utc(),
        withdrawn_at: None,
        withdrawn_by_request: None,
    };
    let processing = match choices.processing {
        Some(true) => row(Purpose::Processing, Basis::Consent, true),
        _ => row(Purpose::Processing, Basis::PublicTask, true),
    };
    repo::privacy::insert_consents(
        c,
        &[
            processing,
            row(Purpose::ShareContact, Basis::Consent, choices.share_contact),
            row(Purpose::PublicName, Basis::Consent, choices.public_name),
            row(
                Purpose::ConfidentialResult,
                Basis::Consent,
                choices.confidential,
            ),
        ],
    )?;
    Ok(())
}

/// Art. 8.6: the IOC forwarded an emergency call to the competent agency, with what the caller
/// said and how to reach them: the basis of that sharing is the emergency, not consent.
pub fn emergency_shared(
    c: &mut DbConn,
    who: &Principal,
    r: &ReportRow,
    agency_id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    repo::privacy::insert_consents(
        c,
        &[ConsentRow {
            id: new_id(),
            report_id: r.id.clone(),
            purpose: Purpose::ShareContact.as_str().to_string(),
            basis: Basis::Emergency.as_str().to_string(),
            granted: true,
            wording_version: None,
            channel: r.channel.as_str().to_string(),
            proof: Some(format!(
                "cuộc gọi chuyển tiếp khẩn cấp tới cơ quan {agency_id}"
            )),
            recorded_by: Some(who.user_id.clone()),
            given_at: now.naive_utc(),
            withdrawn_at: None,
            withdrawn_by_request: None,
        }],
    )?;
    Ok(())
}

/// A consent as the reporter and the privacy officer read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentView {
    /// What it is for.
    pub purpose: Purpose,
    /// On what ground: the reporter's consent, or the basis recorded instead.
    pub basis: Basis,
    /// Given (`true`) or refused; a basis other than consent is always `true`.
    pub granted: bool,
    /// The version of the wording shown (`GET /privacy/consents`); none for another basis.
    pub wording_version: Option<String>,
    /// The channel of the report it was given through.
    #[schema(example = "hotline")]
    pub channel: String,
    /// What it came with: the call (its recording), the e-mail, the account, the Open311
    /// client.
    pub proof: Option<String>,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<ConsentRow> for ConsentView {
    fn from(r: ConsentRow) -> Self {
        ConsentView {
            purpose: Purpose::parse(&r.purpose).unwrap_or(Purpose::Processing),
            basis: Basis::parse(&r.basis).unwrap_or(Basis::Consent),
            granted: r.granted,
            wording_version: r.wording_version,
            channel: r.channel,
            proof: r.proof,
            given_at: r.given_at.and_utc(),
            withdrawn_at: r.withdrawn_at.map(|t| t.and_utc()),
        }
    }
}

/// A purpose and the words a reporter is shown for it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PurposeWording {
    /// The purpose.
    pub purpose: Purpose,
    /// The text shown (Vietnamese).
    pub text: &'static str,
    /// Whether the reporter may withdraw it at any time, with immediate effect.
    pub withdrawable: bool,
}

/// The consent wording in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentWording {
    /// Its version: what a submission's `consent_wording` names.
    #[schema(example = "2026-01")]
    pub version: &'static str,
    /// One text per purpose. None of them is pre-ticked.
    pub purposes: Vec<PurposeWording>,
}

pub fn wording() -> ConsentWording {
    ConsentWording {
        version: WORDING_VERSION,
        purposes: Purpose::ALL
            .into_iter()
            .map(|p| PurposeWording {
                purpose: p,
                text: p.wording(),
                withdrawable: p.withdrawable(),
            })
            .collect(),
    }
}
