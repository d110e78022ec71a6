//! Demo data (`paht seed-demo --reports N`): realistic reports driven through the real use cases
//! on a moving clock, so the dashboard and the benchmarks have something to show — every state,
//! channel, agency and area, deadlines met and missed, feedback and ratings.
//!
//! This file: the accounts and the walk through the year; `story`: one report's story through
//! the use cases; `copies`: copies of finished reports for benchmark volume.

mod copies;
mod story;

use crate::service::auth::Require;
pub use copies::*;
use story::one_report;

use std::sync::Arc;

use chrono::TimeDelta;

use crate::clock::ManualClock;
use crate::db::repo;
use crate::domain::account::LoginId;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::{Principal, Registration};
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

fn principal(st: &Context, login: &str) -> AppResult<Option<Principal>> {
    let mut conn = st.pool.get()?;
    Ok(
        repo::users::find_by_login(&mut conn, &st.vault, &LoginId::Username(login.to_string()))?
            .map(|u| Principal {
                user_id: u.id,
                role: u.role,
                agency_id: u.agency_id,
                follow_up: None,
            }),
    )
}

fn staff(st: &Context, username: &str, role: Role, agency: Option<&str>) -> AppResult<Principal> {
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
        follow_up: None,
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
    st: &Context,
    clock: &Arc<ManualClock>,
    n: usize,
    seed: u64,
    mut progress: impl FnMut(usize),
) -> AppResult<DemoReport> {
    use crate::clock::Clock;
    let end = clock.now();
    let mut rng = Rng(seed.max(1));
    let op = Require::check(&staff(st, "demo.operator", Role::Operator, None)?)?;
    let province = Require::check(&staff(st, "demo.province", Role::Province, None)?)?;
    let mut conn = st.pool.get()?;
    let all = repo::agencies::list(&mut conn, &Default::default())?;
    let categories = repo::categories::list(&mut conn, Some(true))?;
    // Reports after 1/7/2025 are filed under the communes and wards in force since then.
    let communes: Vec<String> = repo::admin_units::list(
        &mut conn,
        &repo::admin_units::UnitFilter {
            level: Some(crate::domain::directory::UnitLevel::Commune.as_str().into()),
            parent_code: None,
            valid_on: Some(chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default()),
        },
    )?
    .into_iter()
    .map(|u| u.code)
    .collect();
    drop(conn);
    let mut agencies = Vec::new();
    // The departments and the other agencies in operation; not the 103 commune People's
    // Committees, which would only multiply the demo accounts.
    let in_demo = |a: &&crate::db::models::AgencyRow| {
        a.participating
            && a.valid_to.is_none()
            && a.kind != crate::domain::directory::AgencyKind::CommuneCommittee.as_str()
    };
    for a in all.iter().filter(in_demo) {
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
                    follow_up: None,
                }
            }
        };
        citizens.push(p);
    }
    let start = end - TimeDelta::days(365);
    let step = TimeDelta::seconds((365 * 86_400 / n.max(1) as i64).max(1));
    let mut out = DemoReport::default();
    let cast = story::Cast {
        st,
        clock,
        op: &op,
        province: &province,
        citizens: &citizens,
        agencies: &agencies,
        categories: &categories,
        communes: &communes,
        end,
    };
    for i in 0..n {
        let at = start + step * i as i32;
        clock.set(at);
        // The newest reports (the last 5%, at least 3) are still being worked on.
        let recent = i + (n / 20).max(3) >= n;
        let published = one_report(&cast, &mut rng, at, i, recent)?;
        clock.set(end);
        out.reports += 1;
        out.published += usize::from(published);
        progress(i + 1);
    }
    // Art. 8.5: what is overdue now is marked, as the server's sweeper would have.
    out.marked_overdue = crate::service::reports::sweeper::sweep(st)?;
    Ok(out)
}

fn principal_by_phone(st: &Context, phone: &str) -> AppResult<Option<Principal>> {
    let mut conn = st.pool.get()?;
    Ok(
        repo::users::find_by_login(&mut conn, &st.vault, &LoginId::Phone(phone.into()))?.map(|u| {
            Principal {
                user_id: u.id,
                role: Role::Citizen,
                agency_id: None,
                follow_up: None,
            }
        }),
    )
}
