//! Demo data (`paht seed-demo --reports N`): realistic reports driven through the real use cases
//! on a moving clock, so the dashboard and the benchmarks have something to show — every state,
//! channel, agency and area, deadlines met and missed, feedback and ratings.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::app::AppState;
use crate::clock::ManualClock;
use crate::db::repo;
use crate::domain::account::LoginId;
use crate::domain::report::{Channel, ForwardKind, Rating, RejectionReason};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::auth::{Principal, Registration};
use crate::service::reports::actions::{
    self, AcceptInput, DispatchInput, FeedbackInput, ForwardInput, RatingInput, RejectInput,
    RequestInfoInput,
};
use crate::service::reports::assignments::{
    self as work, ApprovalInput, CoordinatorsInput, Decision, ResultInput, ReturnInput,
};
use crate::service::reports::intake::{self, NewReport, ReporterInput, Submitted, Supplement};
use crate::service::users::{self, NewStaff};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-2026";

/// A small deterministic generator (xorshift64*), so a seed gives the same data every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

struct Agency {
    id: String,
    staff: Principal,
    leader: Principal,
}

fn principal(st: &AppState, login: &str) -> AppResult<Option<Principal>> {
    let mut conn = st.pool.get()?;
    Ok(
        repo::users::find_by_login(&mut conn, &LoginId::Username(login.to_string()))?.map(|u| {
            Principal {
                user_id: u.id,
                role: Role::parse(&u.role).unwrap_or(Role::Citizen),
                agency_id: u.agency_id,
            }
        }),
    )
}

fn staff(st: &AppState, username: &str, role: Role, agency: Option<&str>) -> AppResult<Principal> {
    if let Some(p) = principal(st, username)? {
        return Ok(p);
    }
    let u = users::create_staff(
        st,
        NewStaff {
            username: username.into(),
            full_name: format!("Cán bộ {username}"),
            role,
            agency_id: agency.map(str::to_string),
            email: None,
            phone: None,
            password: DEMO_PASSWORD.into(),
        },
    )?;
    Ok(Principal {
        user_id: u.id,
        role,
        agency_id: u.agency_id,
    })
}

const GIVEN: [&str; 12] = [
    "An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Minh", "Nam", "Phương", "Quang", "Thảo", "Tuấn",
];
const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Lâm"];
const ISSUES: [(&str, &str); 8] = [
    (
        "Ổ gà trên đường",
        "Mặt đường xuất hiện nhiều ổ gà sâu, xe máy đi qua rất nguy hiểm.",
    ),
    (
        "Đèn đường không sáng",
        "Cụm đèn chiếu sáng công cộng không hoạt động nhiều đêm liền.",
    ),
    (
        "Rác thải tồn đọng",
        "Rác thải sinh hoạt tồn đọng nhiều ngày, bốc mùi hôi.",
    ),
    (
        "Ngập nước sau mưa",
        "Nước ngập sâu sau mỗi cơn mưa, cống thoát nước bị tắc.",
    ),
    (
        "Lấn chiếm vỉa hè",
        "Nhiều hộ kinh doanh lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.",
    ),
    (
        "Dây điện võng thấp",
        "Dây điện võng thấp ngang đường, có nguy cơ gây tai nạn.",
    ),
    (
        "Mất nước sinh hoạt",
        "Khu dân cư bị mất nước sinh hoạt nhiều ngày không được thông báo.",
    ),
    (
        "Chậm giải quyết hồ sơ",
        "Hồ sơ thủ tục hành chính đã quá hẹn nhưng chưa được giải quyết.",
    ),
];
const DISTRICTS: [&str; 11] = [
    "941", "942", "943", "944", "945", "946", "947", "948", "949", "950", "951",
];

fn hours(h: i64) -> TimeDelta {
    TimeDelta::hours(h)
}

/// What the seeder made.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub reports: usize,
    pub published: usize,
    pub marked_overdue: usize,
}

/// Fills the database with `n` reports submitted over the year before the clock's instant.
/// `progress` is called after each report with the number done.
pub fn seed(
    st: &AppState,
    clock: &Arc<ManualClock>,
    n: usize,
    seed: u64,
    mut progress: impl FnMut(usize),
) -> AppResult<DemoReport> {
    use crate::clock::Clock;
    let end = clock.now();
    let mut rng = Rng(seed.max(1));
    let op = staff(st, "demo.operator", Role::Operator, None)?;
    let province = staff(st, "demo.province", Role::Province, None)?;
    let mut conn = st.pool.get()?;
    let all = repo::agencies::list(&mut conn, &Default::default())?;
    let categories = repo::categories::list(&mut conn, Some(true))?;
    drop(conn);
    let mut agencies = Vec::new();
    for a in all.iter().filter(|a| a.participating) {
        let code = a.code.to_lowercase();
        agencies.push(Agency {
            id: a.id.clone(),
            staff: staff(
                st,
                &format!("demo.{code}.staff"),
                Role::AgencyStaff,
                Some(&a.id),
            )?,
            leader: staff(
                st,
                &format!("demo.{code}.leader"),
                Role::AgencyLeader,
                Some(&a.id),
            )?,
        });
    }
    if agencies.len() < 2 || categories.is_empty() {
        return Err(AppError::internal(
            "the demo needs the reference agencies and categories",
        ));
    }
    let mut citizens = Vec::new();
    for i in 0..50u64 {
        let phone = format!("09{:08}", 10_000_000 + i);
        let p = match principal_by_phone(st, &phone)? {
            Some(p) => p,
            None => {
                let u = crate::service::auth::register(
                    st,
                    Registration {
                        full_name: format!(
                            "{} Văn {}",
                            FAMILY[i as usize % 8],
                            GIVEN[i as usize % 12]
                        ),
                        phone: Some(phone),
                        email: None,
                        password: DEMO_PASSWORD.into(),
                    },
                    None,
                )?;
                Principal {
                    user_id: u.id,
                    role: Role::Citizen,
                    agency_id: None,
                }
            }
        };
        citizens.push(p);
    }
    let start = end - TimeDelta::days(365);
    let step = TimeDelta::seconds((365 * 86_400 / n.max(1) as i64).max(1));
    let mut out = DemoReport::default();
    for i in 0..n {
        let at = start + step * i as i32;
        clock.set(at);
        // The newest reports (the last 5%, at least 3) are still being worked on.
        let recent = i + (n / 20).max(3) >= n;
        let published = one_report(
            st,
            clock,
            &mut rng,
            &op,
            &province,
            &citizens,
            &agencies,
            &categories,
            at,
            end,
            i,
            recent,
        )?;
        clock.set(end);
        out.reports += 1;
        out.published += usize::from(published);
        progress(i + 1);
    }
    // Art. 8.5: what is overdue now is marked, as the server's sweeper would have.
    out.marked_overdue = crate::service::reports::sweeper::sweep(st)?;
    Ok(out)
}

fn principal_by_phone(st: &AppState, phone: &str) -> AppResult<Option<Principal>> {
    let mut conn = st.pool.get()?;
    Ok(
        repo::users::find_by_login(&mut conn, &LoginId::Phone(phone.into()))?.map(|u| Principal {
            user_id: u.id,
            role: Role::Citizen,
            agency_id: None,
        }),
    )
}

#[allow(clippy::too_many_arguments)]
fn one_report(
    st: &AppState,
    clock: &Arc<ManualClock>,
    rng: &mut Rng,
    op: &Principal,
    province: &Principal,
    citizens: &[Principal],
    agencies: &[Agency],
    categories: &[crate::db::models::CategoryRow],
    at: DateTime<Utc>,
    end: DateTime<Utc>,
    i: usize,
    recent: bool,
) -> AppResult<bool> {
    use crate::clock::Clock;
    // Moves the clock; a story that would run past the present stops where it is.
    macro_rules! advance {
        ($h:expr) => {{
            let h: i64 = $h;
            if clock.now() + hours(h) > end {
                return Ok(false);
            }
            clock.advance(hours(h));
        }};
    }
    let cat = rng.pick(categories);
    let (title, content) = *rng.pick(&ISSUES);
    let by_operator = rng.chance(15);
    let citizen = rng.pick(citizens);
    let who = if by_operator { op } else { citizen };
    let unit = if at
        < DateTime::parse_from_rfc3339("2025-07-01T00:00:00+07:00")
            .map_err(AppError::internal)?
            .to_utc()
    {
        *rng.pick(&DISTRICTS)
    } else {
        "92"
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
        consent_share_contact: rng.chance(50),
        consent_public_name: false,
        confidential: rng.chance(3),
    };
    let report = match intake::submit(st, who, body, None)? {
        Submitted::Created(r) | Submitted::Replayed(r) => r,
    };
    let id = report.id.clone();
    // IOC verification: on time mostly, late sometimes.
    advance!(if rng.chance(85) { 1 } else { 30 });
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
        advance!(5);
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
            },
        )?;
        advance!(1);
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
        advance!(20);
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
    advance!(if rng.chance(90) { 2 } else { 26 });
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
        advance!(2);
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
        advance!(2);
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
        advance!(if rng.chance(80) { 20 } else { 80 });
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
    advance!(if rng.chance(80) {
        8 + rng.below(60) as i64
    } else {
        200 + rng.below(200) as i64
    });
    if recent && rng.chance(50) {
        return Ok(false);
    }
    work::submit_result(st, &agency.staff, &assignment, result())?;
    advance!(3);
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
        advance!(4);
        work::submit_result(st, &agency.staff, &assignment, result())?;
        advance!(3);
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
    advance!(if rng.chance(90) { 2 } else { 30 });
    actions::publish(st, op, &id, Default::default())?;
    if !by_operator {
        if rng.chance(8) {
            advance!(24);
            let f = actions::feedback(
                st,
                who,
                &id,
                FeedbackInput {
                    content: "Đề nghị làm rõ thêm thời gian hoàn thành.".into(),
                },
            )?;
            advance!(if rng.chance(85) { 10 } else { 60 });
            actions::clarify(
                st,
                &agency.staff,
                &id,
                actions::ClarificationInput {
                    feedback_id: f,
                    answer: "Đơn vị sẽ hoàn thành trong tuần.".into(),
                },
            )?;
        }
        if rng.chance(45) {
            advance!(30);
            let r = match rng.below(100) {
                0..45 => Rating::VerySatisfied,
                45..85 => Rating::Satisfied,
                _ => Rating::Dissatisfied,
            };
            actions::rate(st, who, &id, RatingInput { rating: r })?;
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

/// Copies of the finished reports already in the database (no step pending), for volume, until
/// the database holds `total` reports: copy `k` of a report is shifted `k` days earlier, with
/// new ids and codes (`<code>-Ck`), its reporter, assignments, step clocks, extension, feedback
/// and outcome, and its statistics counters — so a benchmark database of a million reports can
/// be made from fewer reports driven through the use cases. Only finished reports are copied:
/// the backlog of a province grows with its recent intake, not with its history. History events
/// are not copied. Returns how many reports were added; `progress` is called with the number
/// added so far and the number to add.
pub fn copy_reports(
    st: &AppState,
    total: usize,
    mut progress: impl FnMut(usize, usize),
) -> AppResult<usize> {
    use std::collections::{BTreeMap, HashMap};

    use crate::service::stat_counts::{self, Facts};

    let mut conn = st.pool.get()?;
    let present = usize::try_from(repo::stats::report_count(&mut conn)?).unwrap_or(0);
    let need = total.saturating_sub(present);
    let mut originals = Vec::new();
    let mut after = String::new();
    loop {
        let ids = repo::stats::finished_report_ids_after(&mut conn, &after, 5000)?;
        let Some(last) = ids.last().cloned() else {
            break;
        };
        originals.extend(ids);
        after = last;
    }
    if need == 0 || originals.is_empty() {
        return Ok(0);
    }
    let copies = need.div_ceil(originals.len()) as u32;
    let mut added = 0;
    for ids in originals.chunks(100) {
        if added >= need {
            break;
        }
        let mut facts = Vec::with_capacity(ids.len());
        for id in ids {
            let f = Facts::load(&mut conn, id)?;
            let reporter = repo::reports::reporter(&mut conn, id)?;
            if let (Some(_), Some(rep)) = (&f.report, reporter) {
                facts.push((f, rep));
            }
        }
        crate::db::write_tx(&mut conn, |c| -> AppResult<()> {
            let mut counts: BTreeMap<_, i64> = BTreeMap::new();
            let (mut rs, mut reps, mut leads, mut others, mut cls, mut exts, mut fbs, mut outs) = (
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
            );
            for k in 1..=copies {
                let back = TimeDelta::days(i64::from(k));
                let sh = |t: chrono::NaiveDateTime| t - back;
                let sho = |t: Option<chrono::NaiveDateTime>| t.map(|t| t - back);
                for (f, rep) in &facts {
                    let Some(r) = &f.report else { continue };
                    if added + rs.len() >= need {
                        break;
                    }
                    let mut ids: HashMap<String, String> = HashMap::new();
                    let mut map = |old: &str| {
                        ids.entry(old.to_string())
                            .or_insert_with(crate::db::new_id)
                            .clone()
                    };
                    let rid = map(&r.id);
                    let mut copy = Facts::none();
                    let mut nr = r.clone();
                    nr.id = rid.clone();
                    nr.code = format!("{}-C{k}", r.code);
                    nr.incident_at = sho(r.incident_at);
                    nr.next_due_at = sho(r.next_due_at);
                    nr.submitted_at = sh(r.submitted_at);
                    nr.published_at = sho(r.published_at);
                    nr.created_at = sh(r.created_at);
                    nr.updated_at = sh(r.updated_at);
                    let mut np = rep.clone();
                    np.report_id = rid.clone();
                    reps.push(np);
                    for a in &f.assignments {
                        let mut na = a.clone();
                        na.id = map(&a.id);
                        na.report_id = rid.clone();
                        na.lead_assignment_id = a.lead_assignment_id.as_deref().map(&mut map);
                        na.assigned_at = sh(a.assigned_at);
                        na.accepted_at = sho(a.accepted_at);
                        na.returned_at = sho(a.returned_at);
                        na.submitted_at = sho(a.submitted_at);
                        na.approved_at = sho(a.approved_at);
                        na.created_at = sh(a.created_at);
                        na.updated_at = sh(a.updated_at);
                        copy.assignments.push(na);
                    }
                    for cl in &f.clocks {
                        let mut nc = cl.clone();
                        nc.id = map(&cl.id);
                        nc.report_id = rid.clone();
                        nc.assignment_id = cl.assignment_id.as_deref().map(&mut map);
                        nc.started_at = sh(cl.started_at);
                        nc.due_at = sh(cl.due_at);
                        nc.original_due_at = sh(cl.original_due_at);
                        nc.done_at = sho(cl.done_at);
                        nc.cancelled_at = sho(cl.cancelled_at);
                        nc.overdue_at = sho(cl.overdue_at);
                        copy.clocks.push(nc);
                    }
                    if let Some(e) = &f.extension {
                        let mut ne = e.clone();
                        ne.id = map(&e.id);
                        ne.report_id = rid.clone();
                        ne.assignment_id = map(&e.assignment_id);
                        ne.clock_id = map(&e.clock_id);
                        ne.notice_date = e.notice_date - back;
                        ne.new_due_at = sh(e.new_due_at);
                        ne.requested_at = sh(e.requested_at);
                        ne.confirmed_at = sho(e.confirmed_at);
                        ne.citizen_notified_at = sho(e.citizen_notified_at);
                        copy.extension = Some(ne);
                    }
                    for fb in &f.feedback {
                        let mut nf = fb.clone();
                        nf.id = map(&fb.id);
                        nf.report_id = rid.clone();
                        nf.clock_id = fb.clock_id.as_deref().map(&mut map);
                        nf.created_at = sh(fb.created_at);
                        nf.answered_at = sho(fb.answered_at);
                        copy.feedback.push(nf);
                    }
                    copy.outcome = f.outcome.map(|(at, s)| (sh(at), s));
                    copy.report = Some(nr);
                    for d in stat_counts::deltas(&Facts::none(), &copy) {
                        *counts
                            .entry((d.scope, d.grain, d.day, d.metric, d.k1, d.k2))
                            .or_insert(0) += d.n;
                    }
                    let Facts {
                        report,
                        assignments: asg,
                        clocks: cks,
                        outcome,
                        extension,
                        feedback: fb,
                    } = copy;
                    if let Some(o) = outcome {
                        outs.push((rid.clone(), o.0, o.1));
                    }
                    rs.extend(report);
                    for a in asg {
                        if a.lead_assignment_id.is_none() {
                            leads.push(a);
                        } else {
                            others.push(a);
                        }
                    }
                    cls.extend(cks);
                    exts.extend(extension);
                    fbs.extend(fb);
                }
            }
            leads.extend(others);
            repo::reports::insert_copies(
                c,
                &repo::reports::Copies {
                    reports: &rs,
                    reporters: &reps,
                    assignments: &leads,
                    clocks: &cls,
                    extensions: &exts,
                    feedback: &fbs,
                    outcomes: &outs,
                },
            )?;
            let rows: Vec<_> = counts
                .into_iter()
                .filter(|(_, n)| *n != 0)
                .map(
                    |((scope, grain, day, metric, k1, k2), n)| repo::stats::CounterDelta {
                        scope,
                        grain,
                        day,
                        metric,
                        k1,
                        k2,
                        n,
                    },
                )
                .collect();
            repo::stats::add_counts(c, &rows)?;
            added += rs.len();
            Ok(())
        })?;
        progress(added, need);
    }
    crate::service::reports::sweeper::sweep(st)?;
    Ok(added)
}
