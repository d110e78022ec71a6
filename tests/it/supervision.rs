//! A supervisor's figures (its agency and every agency below it, Art. 7.3) come from the
//! counters and equal those from the rows, before and after the agency tree changes.

use paht::service::auth::Principal;
use paht::service::statistics::{self as st, Source, StatsQuery};

fn supervisor(agency: &str) -> Principal {
    Principal {
        user_id: "x".into(),
        role: paht::domain::roles::Role::Supervisor,
        agency_id: Some(agency.into()),
        follow_up: None,
    }
}

fn year() -> StatsQuery {
    StatsQuery {
        from: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        agency: None,
        category: None,
        area: None,
        channel: None,
    }
}

fn move_under(t: &crate::support::TestApp, id: &str, parent: Option<&str>) {
    let patch = serde_json::from_value(serde_json::json!({ "parent_id": parent })).unwrap();
    paht::service::directory::update_agency(&t.state, id, patch).unwrap();
}

/// Counters and rows agree for each supervisor; returns what each received.
fn same_both_ways(t: &crate::support::TestApp, roots: &[&str]) -> Vec<i64> {
    let q = year();
    let mut received = vec![];
    for root in roots {
        let p = supervisor(root);
        let a = st::summary_from(&t.state, &p, &q, Source::Best).unwrap();
        let b = st::summary_from(&t.state, &p, &q, Source::Rows).unwrap();
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::to_value(&b).unwrap(),
            "summary as the supervisor of {root}"
        );
        let a = st::agencies_from(&t.state, &p, &q, Source::Best).unwrap();
        let b = st::agencies_from(&t.state, &p, &q, Source::Rows).unwrap();
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::to_value(&b).unwrap(),
            "agency table as the supervisor of {root}"
        );
        let series = st::series(&t.state, &p, &q, st::Bucket::Month).unwrap();
        let sum: i64 = series.iter().map(|p| p.received).sum();
        let s = st::summary_from(&t.state, &p, &q, Source::Rows).unwrap();
        assert_eq!(sum, s.received, "series as the supervisor of {root}");
        received.push(s.received);
    }
    received
}

fn rebuilt_equals_kept(t: &crate::support::TestApp) {
    let mut conn = t.state.pool.get().unwrap();
    let kept = paht::db::repo::stats::all_counts(&mut conn).unwrap();
    assert!(
        kept.iter().any(|c| c.0.starts_with("under:")),
        "supervisors have counters"
    );
    paht::db::write_tx(&mut conn, |c| {
        paht::service::stat_counts::rebuild(c).map(|_| ())
    })
    .unwrap();
    assert_eq!(kept, paht::db::repo::stats::all_counts(&mut conn).unwrap());
}

#[actix_web::test]
async fn a_supervisors_figures_follow_the_agency_tree() {
    let t = crate::support::TestApp::new().await;
    let clock = t.clock.clone();
    paht::demo::seed(&t.state, &clock, 120, 7, |_| {}).unwrap();
    // Three agencies that have reports, by how many they lead.
    let admin = Principal {
        user_id: "x".into(),
        role: paht::domain::roles::Role::Admin,
        agency_id: None,
        follow_up: None,
    };
    let all = st::summary_from(&t.state, &admin, &year(), Source::Rows).unwrap();
    let busy: Vec<String> = all
        .by_agency
        .iter()
        .filter_map(|k| k.key.clone())
        .take(3)
        .collect();
    assert_eq!(busy.len(), 3, "{:?}", all.by_agency);
    let (a, b, c) = (busy[0].as_str(), busy[1].as_str(), busy[2].as_str());

    // c below b below a: the supervisor of a sees all three, the one of b two.
    move_under(&t, b, Some(a));
    move_under(&t, c, Some(b));
    let seen = same_both_ways(&t, &[a, b, c]);
    assert!(seen[0] > seen[1] && seen[1] > seen[2], "{seen:?}");
    rebuilt_equals_kept(&t);

    // Work done after the change counts with the new tree.
    paht::demo::seed(&t.state, &clock, 30, 8, |_| {}).unwrap();
    same_both_ways(&t, &[a, b]);
    rebuilt_equals_kept(&t);

    // c moves to the top and a below it; b keeps nothing above but a.
    move_under(&t, c, None);
    move_under(&t, a, Some(c));
    let seen = same_both_ways(&t, &[a, b, c]);
    assert!(seen[2] > seen[0] && seen[0] > seen[1], "{seen:?}");
    rebuilt_equals_kept(&t);
}

/// A database whose counters predate the supervisors' scopes gets them at its first start
/// from the reports of the supervised agencies alone, the same as a full rebuild.
#[actix_web::test]
async fn an_upgrade_adds_the_supervisors_counters() {
    use diesel::RunQueryDsl;
    let t = crate::support::TestApp::new().await;
    let clock = t.clock.clone();
    paht::demo::seed(&t.state, &clock, 60, 3, |_| {}).unwrap();
    let all = st::summary_from(
        &t.state,
        &Principal {
            user_id: "x".into(),
            role: paht::domain::roles::Role::Admin,
            agency_id: None,
            follow_up: None,
        },
        &year(),
        Source::Rows,
    )
    .unwrap();
    let busy: Vec<String> = all.by_agency.iter().filter_map(|k| k.key.clone()).collect();
    move_under(&t, &busy[1], Some(&busy[0]));
    let mut conn = t.state.pool.get().unwrap();
    let kept = paht::db::repo::stats::all_counts(&mut conn).unwrap();
    let now = chrono::Utc::now().naive_utc();
    paht::db::write_tx(&mut conn, |c| -> Result<(), diesel::result::Error> {
        diesel::sql_query("DELETE FROM stat_counts WHERE scope LIKE 'under:%'").execute(c)?;
        diesel::sql_query("DELETE FROM seed_runs WHERE name LIKE 'stat_counts_%'").execute(c)?;
        paht::db::seed::record_run(c, "stat_counts_v2", now)
    })
    .unwrap();
    assert_ne!(kept, paht::db::repo::stats::all_counts(&mut conn).unwrap());
    assert!(paht::service::stat_counts::ensure_built(&mut conn, now).unwrap());
    assert_eq!(kept, paht::db::repo::stats::all_counts(&mut conn).unwrap());
    assert!(!paht::service::stat_counts::ensure_built(&mut conn, now).unwrap());
    drop(conn);
    same_both_ways(&t, &[&busy[0]]);
}
