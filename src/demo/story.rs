//! One demo report's story, driven through the real use cases: which states it reaches, who
//! acts, and whether each deadline is met.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::ManualClock;
use crate::domain::report::{Channel, ForwardKind, Rating, RejectionReason};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::roles::{Operator, Province};
use crate::service::auth::{Principal, Require};
use crate::service::reports::actions::{
    self, AcceptInput, DispatchInput, FeedbackInput, ForwardInput, RatingInput, RejectInput,
    RequestInfoInput,
};
use crate::service::reports::assignments::{
    self as work, ApprovalInput, CoordinatorsInput, Decision, ResultInput, ReturnInput,
};
use crate::service::reports::intake::{self, NewReport, ReporterInput, Submitted, Supplement};

use super::*;

/// Who and what the demo's stories are made of.
pub(super) struct Cast<'a> {
    pub st: &'a Context,
    pub clock: &'a Arc<ManualClock>,
    pub op: &'a Require<Operator>,
    pub province: &'a Require<Province>,
    pub citizens: &'a [Principal],
    pub agencies: &'a [Agency],
    pub categories: &'a [crate::db::models::CategoryRow],
    pub communes: &'a [String],
    /// The present: no story runs past it.
    pub end: DateTime<Utc>,
}

impl Cast<'_> {
    /// Moves the clock by `h` hours; `false` (and the clock stays) when that would pass the
    /// present, where the story stops.
    fn advance(&self, h: i64) -> bool {
        use crate::clock::Clock;
        if self.clock.now() + hours(h) > self.end {
            return false;
        }
        self.clock.advance(hours(h));
        true
    }
}

/// One report's story, from its submission at `at` (the `i`th; `recent` ones stay in
/// progress); whether it reached publication.
pub(super) fn one_report(
    cast: &Cast<'_>,
    rng: &mut Rng,
    at: DateTime<Utc>,
    i: usize,
    recent: bool,
) -> AppResult<bool> {
    let Cast {
        st,
        op,
        province,
        citizens,
        agencies,
        categories,
        communes,
        ..
    } = *cast;
    let cat = rng.pick(categories);
    let (title, content) = *rng.pick(&ISSUES);
    let by_operator = rng.chance(15);
    let citizen = rng.pick(citizens);
    let who = if by_operator { op.principal() } else { citizen };
    let unit = if at
        < DateTime::parse_from_rfc3339("2025-07-01T00:00:00+07:00")
            .map_err(AppError::internal)?
            .to_utc()
    {
        *rng.pick(&DISTRICTS)
    } else if communes.is_empty() {
        "92"
    } else {
        rng.pick(communes).as_str()
    };
    let channel = if by_operator {
        if rng.chance(70) {
            Channel::Hotline
        } else {
            Channel::Email
        }
    } else if rng.chance(70) {
        Channel::App
    } else {
        Channel::Portal
    };
    let body = NewReport {
        channel: Some(channel),
        title: format!("{title} (số {i})"),
        content: content.into(),
        category_code: cat.code.clone(),
        address: format!(
            "Số {} đường {}, khóm {}",
            1 + rng.below(200),
            rng.pick(&[
                "Trần Hưng Đạo",
                "Lê Lợi",
                "Hùng Vương",
                "Phú Lợi",
                "Nguyễn Huệ"
            ]),
            1 + rng.below(9)
        ),
        admin_unit_code: unit.into(),
        latitude: Some(9.55 + rng.below(1000) as f64 / 10_000.0),
        longitude: Some(105.93 + rng.below(1000) as f64 / 10_000.0),
        incident_at: Some(at - hours(2)),
        reporter: ReporterInput {
            full_name: format!("{} Thị {}", rng.pick(&FAMILY), rng.pick(&GIVEN)),
            contact_address: "Phường 2, thành phố Sóc Trăng".into(),
            cccd: format!(
                "094{}{:02}{:06}",
                rng.below(2),
                60 + rng.below(40),
                rng.below(1_000_000)
            ),
            phone: format!("09{:08}", rng.below(100_000_000)),
            email: None,
            organization: None,
        },
        consent_processing: Some(true),
        consent_wording: None,
        consent_share_contact: rng.chance(50),
        consent_public_name: false,
        confidential: rng.chance(3),
    };
    let report = match intake::submit(st, who, body, None)? {
        Submitted::Created(d) | Submitted::Replayed(d) => d.report,
    };
    let id = report.id.clone();
    // IOC verification: on time mostly, late sometimes.
    if !cast.advance(if rng.chance(85) { 1 } else { 30 }) {
        return Ok(false);
    }
    if recent && rng.chance(40) {
        return Ok(false);
    }
    let roll = rng.below(100);
    if roll < 8 {
        let reason = *rng.pick(&[
            RejectionReason::ComplaintOrDenunciation,
            RejectionReason::ImproperContent,
            RejectionReason::OutOfScope,
            RejectionReason::Duplicate,
        ]);
        actions::reject(
            st,
            op,
            &id,
            RejectInput {
                reason,
                note: "Không đủ điều kiện tiếp nhận theo Quy chế".into(),
            },
        )?;
        return Ok(false);
    }
    if roll < 12 {
        let a = rng.pick(agencies);
        actions::forward(
            st,
            op,
            &id,
            ForwardInput {
                kind: ForwardKind::Monitoring,
                agency_id: a.id.clone(),
                note: None,
            },
        )?;
        return Ok(false);
    }
    if roll < 17 {
        actions::request_info(
            st,
            op,
            &id,
            RequestInfoInput {
                note: "Đề nghị bổ sung vị trí cụ thể".into(),
            },
        )?;
        if by_operator {
            return Ok(false);
        }
        if !cast.advance(5) {
            return Ok(false);
        }
        intake::supplement(
            st,
            who,
            &id,
            Supplement {
                note: "Đã bổ sung".into(),
                title: None,
                content: None,
                address: None,
                admin_unit_code: None,
                latitude: None,
                longitude: None,
                incident_at: None,
                call_id: None,
            },
        )?;
        if !cast.advance(1) {
            return Ok(false);
        }
    }
    actions::accept(st, op, &id, AcceptInput::default())?;
    let lead = match cat
        .default_agency_id
        .as_ref()
        .and_then(|d| agencies.iter().find(|a| &a.id == d))
    {
        Some(a) if rng.chance(85) => a,
        _ => rng.pick(agencies),
    };
    let lead = if rng.chance(2) {
        actions::escalate(
            st,
            op,
            &id,
            RequestInfoInput {
                note: "Chưa xác định được cơ quan chủ trì".into(),
            },
        )?;
        if !cast.advance(20) {
            return Ok(false);
        }
        let d = actions::designate(
            st,
            province,
            &id,
            DispatchInput {
                agency_id: lead.id.clone(),
                note: None,
            },
        )?;
        (lead, d.assignment_id)
    } else {
        let d = actions::dispatch(
            st,
            op,
            &id,
            DispatchInput {
                agency_id: lead.id.clone(),
                note: None,
            },
        )?;
        (lead, d.assignment_id)
    };
    let (mut agency, mut assignment) = lead;
    if !cast.advance(if rng.chance(90) { 2 } else { 26 }) {
        return Ok(false);
    }
    if rng.chance(5) {
        work::give_back(
            st,
            &agency.staff,
            &assignment,
            ReturnInput {
                reason: "Không thuộc thẩm quyền".into(),
                suggested_agency_id: None,
            },
        )?;
        if !cast.advance(2) {
            return Ok(false);
        }
        let other = agencies
            .iter()
            .find(|a| a.id != agency.id)
            .unwrap_or(agency);
        let d = actions::dispatch(
            st,
            op,
            &id,
            DispatchInput {
                agency_id: other.id.clone(),
                note: None,
            },
        )?;
        agency = other;
        assignment = d.assignment_id;
        if !cast.advance(2) {
            return Ok(false);
        }
    }
    if recent && rng.chance(50) {
        return Ok(false);
    }
    work::accept(st, &agency.staff, &assignment)?;
    if rng.chance(12) {
        let co = agencies
            .iter()
            .find(|a| a.id != agency.id)
            .unwrap_or(agency);
        let ids = work::add_coordinators(
            st,
            &agency.staff,
            &assignment,
            CoordinatorsInput {
                agency_ids: vec![co.id.clone()],
                note: None,
            },
        )?;
        if !cast.advance(if rng.chance(80) { 20 } else { 80 }) {
            return Ok(false);
        }
        for c in ids {
            work::accept(st, &co.staff, &c)?;
            work::submit_result(st, &co.staff, &c, result())?;
            work::approve(
                st,
                &co.leader,
                &c,
                ApprovalInput {
                    decision: Decision::Approve,
                    note: None,
                },
            )?;
        }
    }
    // Most answer within the 6 working days; some are late.
    if !cast.advance(if rng.chance(80) {
        8 + rng.below(60) as i64
    } else {
        200 + rng.below(200) as i64
    }) {
        return Ok(false);
    }
    if recent && rng.chance(50) {
        return Ok(false);
    }
    work::submit_result(st, &agency.staff, &assignment, result())?;
    if !cast.advance(3) {
        return Ok(false);
    }
    if rng.chance(10) {
        work::approve(
            st,
            &agency.leader,
            &assignment,
            ApprovalInput {
                decision: Decision::SendBack,
                note: Some("Bổ sung nội dung".into()),
            },
        )?;
        if !cast.advance(4) {
            return Ok(false);
        }
        work::submit_result(st, &agency.staff, &assignment, result())?;
        if !cast.advance(3) {
            return Ok(false);
        }
    }
    work::approve(
        st,
        &agency.leader,
        &assignment,
        ApprovalInput {
            decision: Decision::Approve,
            note: None,
        },
    )?;
    if !cast.advance(if rng.chance(90) { 2 } else { 30 }) {
        return Ok(false);
    }
    actions::publish(st, op, &id, Default::default())?;
    if !by_operator {
        if rng.chance(8) {
            if !cast.advance(24) {
                return Ok(false);
            }
            let f = actions::feedback(
                st,
                who,
                &id,
                FeedbackInput {
                    content: "Đề nghị làm rõ thêm thời gian hoàn thành.".into(),
                    call_id: None,
                },
            )?;
            if !cast.advance(if rng.chance(85) { 10 } else { 60 }) {
                return Ok(false);
            }
            actions::clarify(
                st,
                &Require::check(&agency.staff)?,
                &id,
                actions::ClarificationInput {
                    feedback_id: f,
                    answer: "Đơn vị sẽ hoàn thành trong tuần.".into(),
                },
            )?;
        }
        if rng.chance(45) {
            if !cast.advance(30) {
                return Ok(false);
            }
            let r = match rng.below(100) {
                0..45 => Rating::VerySatisfied,
                45..85 => Rating::Satisfied,
                _ => Rating::Dissatisfied,
            };
            actions::rate(
                st,
                who,
                &id,
                RatingInput {
                    rating: r,
                    call_id: None,
                },
            )?;
        }
    }
    Ok(true)
}

fn result() -> ResultInput {
    ResultInput {
        addressee: "Ông/Bà người phản ánh".into(),
        answer: "Cơ quan đã kiểm tra hiện trường và khắc phục theo thẩm quyền.".into(),
        signer_title: "Giám đốc".into(),
    }
}
