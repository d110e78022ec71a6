use actix_web::http::StatusCode;
use chrono::{DateTime, TimeDelta};
use serde_json::{Value, json};

use crate::world::{World, report_body};

fn at(s: &str) -> DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn count(list: &Value, key: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == key)
        .map_or(0, |k| k["count"].as_i64().unwrap())
}

fn step<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["step"] == name)
        .unwrap_or_else(|| panic!("{name} in {}", s["steps"]))
}

/// A known set of reports at known times (local times in comments):
/// A: Mon 2/3 09:00, dispatched 09:30, answered, published 11:00, rated satisfied;
/// B: Mon 2/3 10:00, never dispatched (its 4 working hours end 15:00);
/// C: Mon 2/3 10:30, rejected;
/// D: Sat 14/3 23:30 (the last minute of the March period); E: Sun 15/3 00:30 (April).
async fn scenario() -> (World, String) {
    let w = World::new().await;
    let a = w.submit().await["id"].as_str().unwrap().to_string();
    w.t.clock.set(at("2026-03-02T02:30:00Z"));
    w.accept(&a).await;
    let d = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{a}/assignments"),
            json!({"agency_id": w.gtvt}),
        )
        .await;
    let lead = d["assignment_id"].as_str().unwrap().to_string();
    w.take(&w.staff, &lead).await;
    w.answer(&w.staff, &lead).await;
    w.approve(&w.leader, &lead).await;
    w.t.clock.set(at("2026-03-02T03:00:00Z"));
    w.submit().await; // B at 10:00
    w.t.clock.set(at("2026-03-02T03:30:00Z"));
    let c = w.submit().await["id"].as_str().unwrap().to_string();
    w.post(
        &w.op,
        &format!("/api/v1/reports/{c}/reject"),
        json!({"reason": "duplicate", "note": "Trùng phản ánh trước"}),
    )
    .await;
    w.t.clock.set(at("2026-03-02T04:00:00Z"));
    w.publish(&a).await;
    w.post(
        &w.citizen,
        &format!("/api/v1/reports/{a}/rating"),
        json!({"rating": "satisfied"}),
    )
    .await;
    w.t.clock.set(at("2026-03-14T16:30:00Z"));
    w.submit().await; // D
    w.t.clock.set(at("2026-03-14T17:30:00Z"));
    w.submit().await; // E
    w.t.clock.set(at("2026-03-20T03:00:00Z"));
    (w, a)
}

#[actix_web::test]
async fn the_summary_counts_a_known_scenario() {
    let (w, _) = scenario().await;
    let s =
        w.t.get("/api/v1/statistics/summary?from=2026-03-02&to=2026-03-02")
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text());
    let s = s.json();
    assert_eq!(s["received"], 3);
    assert_eq!(
        (
            count(&s["by_status"], "published"),
            count(&s["by_status"], "rejected"),
            count(&s["by_status"], "submitted")
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (
            s["rejected"].as_i64(),
            s["published"].as_i64(),
            s["dispatched"].as_i64(),
            s["answered"].as_i64()
        ),
        (Some(1), Some(1), Some(1), Some(1))
    );
    assert_eq!(count(&s["by_channel"], "app"), 3);
    assert_eq!(count(&s["by_category"], "giao-thong"), 3);
    // Dispatch: A on time; B never dispatched, its deadline passed (late, and overdue now); C's
    // stopped at the refusal (on time).
    let d = step(&s, "dispatch");
    // Overdue now counts the backlog at the moment of the request, whatever the period: B, D, E.
    assert_eq!(
        (
            d["on_time"].as_i64(),
            d["late"].as_i64(),
            d["overdue_now"].as_i64()
        ),
        (Some(2), Some(1), Some(3)),
        "{d}"
    );
    // A: submitted 09:00, published 11:00 local: 2 working hours.
    assert_eq!(s["processing_hours"]["median"], 2.0);
    assert_eq!(s["ratings"]["satisfied"], 1);
    assert_eq!(s["ratings"]["satisfied_share"], 1.0);
    // The period boundary at local midnight between the 14th and the 15th.
    let march =
        w.t.get("/api/v1/statistics/periods/month/2026/3")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(
        (march["from"].as_str(), march["to"].as_str()),
        (Some("2026-02-15"), Some("2026-03-14"))
    );
    assert_eq!(march["summary"]["received"], 4, "A, B, C and D");
    let april =
        w.t.get("/api/v1/statistics/periods/month/2026/4")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(april["summary"]["received"], 1, "E");
    w.t.get("/api/v1/statistics/periods/month/2026/13")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_path_parameter");
    w.t.get("/api/v1/statistics/periods/decade/2026/1")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_path_parameter");
}

#[actix_web::test]
async fn statistics_are_scoped_to_what_the_caller_may_see() {
    let (w, _) = scenario().await;
    let q = "/api/v1/statistics/summary?from=2026-03-01&to=2026-03-31";
    assert_eq!(w.t.get(q).bearer(&w.op).send().await.json()["received"], 5);
    assert_eq!(
        w.t.get(q).bearer(&w.staff).send().await.json()["received"],
        1,
        "the agency's own report"
    );
    assert_eq!(
        w.t.get(q).bearer(&w.outsider).send().await.json()["received"],
        0
    );
    w.t.get(q)
        .bearer(&w.citizen)
        .send()
        .await
        .problem(403, "forbidden");
    w.t.get(q).send().await.problem(401, "unauthenticated");
    let table =
        w.t.get("/api/v1/statistics/agencies?from=2026-03-01&to=2026-03-31")
            .bearer(&w.op)
            .send()
            .await
            .json();
    let gtvt = table
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "SGTVT")
        .unwrap();
    assert_eq!(
        (
            gtvt["assigned"].as_i64(),
            gtvt["answered"].as_i64(),
            gtvt["on_time"].as_i64()
        ),
        (Some(1), Some(1), Some(3)),
        "{gtvt}"
    );
    assert!(gtvt["rank"].is_null(), "below the volume floor");
    let own =
        w.t.get("/api/v1/statistics/agencies?from=2026-03-01&to=2026-03-31")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(own.as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn series_and_public_statistics() {
    let (w, _) = scenario().await;
    let s =
        w.t.get("/api/v1/statistics/series?from=2026-03-01&to=2026-03-16&bucket=day")
            .bearer(&w.op)
            .send()
            .await
            .json();
    let days = s.as_array().unwrap();
    assert_eq!(days.len(), 16);
    let on = |d: &str| days.iter().find(|p| p["start"] == d).unwrap().clone();
    assert_eq!(
        (
            on("2026-03-02")["received"].as_i64(),
            on("2026-03-02")["published"].as_i64()
        ),
        (Some(3), Some(1))
    );
    assert_eq!(
        (
            on("2026-03-14")["received"].as_i64(),
            on("2026-03-15")["received"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let weeks =
        w.t.get("/api/v1/statistics/series?from=2026-03-01&to=2026-03-31&bucket=week")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(weeks[0]["start"], "2026-02-23", "weeks start on Monday");
    w.t.get("/api/v1/statistics/series?bucket=hour")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_query");

    let p =
        w.t.get("/api/v1/public/statistics?from=2026-03-01&to=2026-03-31")
            .send()
            .await;
    assert_eq!(p.status, StatusCode::OK);
    let body = p.text();
    for v in [
        crate::world::NAME,
        crate::world::CCCD,
        crate::world::PHONE,
        crate::world::EMAIL,
    ] {
        assert!(!body.contains(v));
    }
    let p = p.json();
    assert_eq!(
        (p["received"].as_i64(), p["published"].as_i64()),
        (Some(5), Some(1))
    );
    assert_eq!(count(&p["published_by_category"], "giao-thong"), 1);
    // Confidential reports are left out of the public figures.
    let mut b = report_body();
    b["confidential"] = json!(true);
    w.t.post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(&b)
        .send()
        .await;
    let again =
        w.t.get("/api/v1/public/statistics?from=2026-03-01&to=2026-03-31")
            .send()
            .await
            .json();
    assert_eq!(again["received"], 5);
    w.t.get("/api/v1/public/statistics?from=2026-03-31&to=2026-03-01")
        .send()
        .await
        .problem(400, "invalid_query");
}

#[actix_web::test]
async fn issued_periodic_reports_never_change() {
    let (w, _) = scenario().await;
    let res =
        w.t.post("/api/v1/reports-periodic")
            .bearer(&w.op)
            .json(&json!({"kind": "month", "year": 2026, "n": 3}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let issued = res.json();
    let id = issued["id"].as_str().unwrap();
    assert_eq!(issued["snapshot"]["summary"]["received"], 4);
    // A late entry into the period changes the live figures, not the issued report.
    w.t.clock.set(at("2026-03-10T03:00:00Z"));
    w.submit().await;
    w.t.clock.set(at("2026-03-20T03:00:00Z"));
    let live =
        w.t.get("/api/v1/statistics/periods/month/2026/3")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(live["summary"]["received"], 5);
    let kept =
        w.t.get(&format!("/api/v1/reports-periodic/{id}"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(kept["snapshot"]["summary"]["received"], 4);
    assert_eq!(kept["snapshot"], issued["snapshot"]);
    w.t.post("/api/v1/reports-periodic")
        .bearer(&w.op)
        .json(&json!({"kind": "month", "year": 2026, "n": 3}))
        .send()
        .await
        .problem(409, "already_issued");
    w.t.post("/api/v1/reports-periodic")
        .bearer(&w.staff)
        .json(&json!({"kind": "month", "year": 2026, "n": 4}))
        .send()
        .await
        .problem(403, "forbidden");
    w.t.post("/api/v1/reports-periodic")
        .bearer(&w.op)
        .json(&json!({"kind": "quarter", "year": 2026, "n": 5}))
        .send()
        .await
        .problem(400, "invalid_query");
    let list =
        w.t.get("/api/v1/reports-periodic")
            .bearer(&w.province)
            .send()
            .await
            .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("snapshot").is_none());
}

#[actix_web::test]
async fn exports_parse_back_to_the_same_numbers() {
    let (w, _) = scenario().await;
    let csv =
        w.t.get("/api/v1/statistics/summary?from=2026-03-02&to=2026-03-02&format=csv")
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = csv.text();
    let value = |label: &str| {
        text.lines()
            .find(|l| {
                l.trim_start_matches('\u{feff}')
                    .starts_with(&format!("{label},"))
            })
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .to_string()
    };
    let json =
        w.t.get("/api/v1/statistics/summary?from=2026-03-02&to=2026-03-02")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(value("Tiếp nhận"), json["received"].to_string());
    assert_eq!(value("Đã công bố"), json["published"].to_string());
    assert_eq!(value("Từ chối"), json["rejected"].to_string());
    let table =
        w.t.get("/api/v1/statistics/agencies?from=2026-03-01&to=2026-03-31&format=csv")
            .bearer(&w.op)
            .send()
            .await
            .text();
    assert!(table.lines().next().unwrap().contains("Tỷ lệ đúng hạn"));
    let gtvt: Vec<&str> = table
        .lines()
        .find(|l| l.contains(",SGTVT,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!((gtvt[3], gtvt[4]), ("1", "1"));
    // The report list streams; the identity goes to the IOC only.
    let list =
        w.t.get("/api/v1/statistics/reports.csv?from=2026-03-01&to=2026-03-31")
            .bearer(&w.op)
            .send()
            .await
            .text();
    assert_eq!(list.lines().count(), 1 + 5);
    assert!(list.contains(crate::world::PHONE));
    let staff =
        w.t.get("/api/v1/statistics/reports.csv?from=2026-03-01&to=2026-03-31")
            .bearer(&w.staff)
            .send()
            .await
            .text();
    assert_eq!(staff.lines().count(), 1 + 1);
    assert!(!staff.contains(crate::world::PHONE));
    w.t.get("/api/v1/statistics/summary?format=xml")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_query");
    let _ = TimeDelta::zero();
}

#[actix_web::test]
async fn demo_data_covers_every_state() {
    let t = crate::support::TestApp::new().await;
    let clock = t.clock.clone();
    let r = paht::demo::seed(&t.state, &clock, 60, 7, |_| {}).unwrap();
    assert_eq!(r.reports, 60);
    assert!(r.published > 20, "{}", r.published);
    let op = t.login("demo.operator", paht::demo::DEMO_PASSWORD).await;
    let s = t
        .get("/api/v1/statistics/summary?from=2025-03-01&to=2026-03-02")
        .bearer(&op)
        .send()
        .await
        .json();
    assert_eq!(s["received"], 60);
    assert!(
        s["by_status"].as_array().unwrap().len() >= 4,
        "{}",
        s["by_status"]
    );
    assert!(s["by_channel"].as_array().unwrap().len() >= 3);
    assert!(s["ratings"]["rated"].as_i64().unwrap() > 0);
    let dispatch = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["step"] == "dispatch")
        .unwrap();
    assert!(
        dispatch["late"].as_i64().unwrap() > 0 && dispatch["on_time"].as_i64().unwrap() > 0,
        "deadlines met and missed"
    );
}

#[actix_web::test]
async fn xlsx_exports_parse_back_to_the_same_numbers() {
    use calamine::{Reader, Xlsx};
    let (w, _) = scenario().await;
    let res =
        w.t.get("/api/v1/statistics/summary?from=2026-03-02&to=2026-03-02&format=xlsx")
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.body.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let value = |label: &str| {
        sheet
            .rows()
            .find(|r| r[0] == label)
            .map(|r| r[2].to_string())
            .unwrap_or_else(|| panic!("{label}"))
    };
    let json =
        w.t.get("/api/v1/statistics/summary?from=2026-03-02&to=2026-03-02")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(value("Tiếp nhận"), json["received"].to_string());
    assert_eq!(value("Đã công bố"), json["published"].to_string());
    let res =
        w.t.get("/api/v1/statistics/agencies?from=2026-03-01&to=2026-03-31&format=xlsx")
            .bearer(&w.op)
            .send()
            .await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.body.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let gtvt = sheet.rows().find(|r| r[1] == "SGTVT").unwrap();
    assert_eq!(
        (gtvt[3].to_string(), gtvt[4].to_string()),
        ("1".to_string(), "1".to_string())
    );
}

/// The counters kept along every action give exactly the figures computed from the rows, for
/// periods cut through months, at local midnight, for everything, one agency and the public;
/// and a rebuild from the reports gives the same counter rows.
#[actix_web::test]
async fn counters_match_the_rows_and_a_rebuild() {
    use paht::service::auth::Principal;
    use paht::service::statistics::{self as st, Source, StatsQuery};
    let t = crate::support::TestApp::new().await;
    let clock = t.clock.clone();
    paht::demo::seed(&t.state, &clock, 150, 11, |_| {}).unwrap();
    let mut conn = t.state.pool.get().unwrap();
    let kept = paht::db::repo::stats::all_counts(&mut conn).unwrap();
    assert!(kept.len() > 500, "{}", kept.len());
    let agencies = paht::db::repo::agencies::list(&mut conn, &Default::default()).unwrap();
    let admin = Principal {
        user_id: "x".into(),
        role: paht::domain::roles::Role::Admin,
        agency_id: None,
        follow_up: None,
    };
    let mut who = vec![admin];
    for a in agencies.iter().filter(|a| a.participating).take(6) {
        who.push(Principal {
            user_id: "x".into(),
            role: paht::domain::roles::Role::AgencyLeader,
            agency_id: Some(a.id.clone()),
            follow_up: None,
        });
    }
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let periods = [
        ("2025-03-01", "2026-03-02"),
        ("2025-01-01", "2025-12-31"),
        ("2025-06-15", "2025-09-14"),
        ("2025-07-01", "2025-07-31"),
        ("2025-11-14", "2025-11-14"),
        ("2026-02-03", "2026-03-31"),
    ];
    for (from, to) in periods {
        let q = StatsQuery {
            from: d(from),
            to: d(to),
            agency: None,
            category: None,
            area: None,
            channel: None,
        };
        for p in &who {
            let a = st::summary_from(&t.state, p, &q, Source::Best).unwrap();
            let b = st::summary_from(&t.state, p, &q, Source::Rows).unwrap();
            assert_eq!(
                serde_json::to_value(&a).unwrap(),
                serde_json::to_value(&b).unwrap(),
                "summary {from}..{to} as {:?}",
                p.agency_id
            );
            let a = st::agencies_from(&t.state, p, &q, Source::Best).unwrap();
            let b = st::agencies_from(&t.state, p, &q, Source::Rows).unwrap();
            assert_eq!(
                serde_json::to_value(&a).unwrap(),
                serde_json::to_value(&b).unwrap(),
                "agencies {from}..{to} as {:?}",
                p.agency_id
            );
        }
        // One filter on the report, as the IOC: from the counters of its scope.
        let all = st::summary_from(&t.state, &who[0], &q, Source::Rows).unwrap();
        let first = |v: &[st::Keyed]| v.iter().find_map(|k| k.key.clone());
        let filtered = [
            StatsQuery {
                category: first(&all.by_category),
                ..q.clone()
            },
            StatsQuery {
                area: first(&all.by_area),
                ..q.clone()
            },
            StatsQuery {
                channel: Some("hotline".into()),
                ..q.clone()
            },
            StatsQuery {
                agency: agencies
                    .iter()
                    .find(|a| a.participating)
                    .map(|a| a.id.clone()),
                ..q.clone()
            },
        ];
        for fq in &filtered {
            let a = st::summary_from(&t.state, &who[0], fq, Source::Best).unwrap();
            let b = st::summary_from(&t.state, &who[0], fq, Source::Rows).unwrap();
            assert_eq!(
                serde_json::to_value(&a).unwrap(),
                serde_json::to_value(&b).unwrap(),
                "summary {from}..{to} filtered {fq:?}"
            );
            let a = st::agencies_from(&t.state, &who[0], fq, Source::Best).unwrap();
            let b = st::agencies_from(&t.state, &who[0], fq, Source::Rows).unwrap();
            assert_eq!(
                serde_json::to_value(&a).unwrap(),
                serde_json::to_value(&b).unwrap(),
                "agencies {from}..{to} filtered {fq:?}"
            );
        }
        let a = st::public(&t.state, &q).unwrap();
        assert!(a.received > 0 || from == "2025-11-14");
        let q2 = StatsQuery {
            channel: Some("app".into()),
            ..q.clone()
        };
        // A filtered series (from the rows) sums like the unfiltered one (from the counters).
        for b in [st::Bucket::Day, st::Bucket::Month] {
            if b == st::Bucket::Day && (q.to - q.from).num_days() > 390 {
                continue;
            }
            let all = st::series(&t.state, &who[0], &q, b).unwrap();
            let app = st::series(&t.state, &who[0], &q2, b).unwrap();
            let sum = |v: &[st::Point]| v.iter().map(|p| p.received).sum::<i64>();
            let s = st::summary(&t.state, &who[0], &q).unwrap();
            assert_eq!(sum(&all), s.received, "series {from}..{to}");
            let by_app = s
                .by_channel
                .iter()
                .find(|k| k.key.as_deref() == Some("app"))
                .map_or(0, |k| k.count);
            assert_eq!(sum(&app), by_app);
            let published: i64 = all.iter().map(|p| p.published).sum();
            assert_eq!(published, s.published);
        }
    }
    // A rebuild from the reports gives back the very rows kept along the way.
    paht::db::write_tx(&mut conn, |c| {
        paht::service::stat_counts::rebuild(c).map(|_| ())
    })
    .unwrap();
    let rebuilt = paht::db::repo::stats::all_counts(&mut conn).unwrap();
    assert_eq!(kept, rebuilt);
}

/// Copies made for volume carry their counters: they equal a rebuild from the reports, and the
/// figures from the counters equal those from the rows.
#[actix_web::test]
async fn copies_for_volume_keep_the_counters_exact() {
    use paht::service::statistics::{self as st, Source, StatsQuery};
    let t = crate::support::TestApp::new().await;
    let clock = t.clock.clone();
    paht::demo::seed(&t.state, &clock, 30, 5, |_| {}).unwrap();
    let added = paht::demo::copy_reports(&t.state, 60, |_, _| {}).unwrap();
    assert_eq!(added, 30);
    // A database that holds copies grows step by step.
    let added = paht::demo::copy_reports(&t.state, 100, |_, _| {}).unwrap();
    assert_eq!(added, 40);
    let admin = paht::service::auth::Principal {
        user_id: "x".into(),
        role: paht::domain::roles::Role::Admin,
        agency_id: None,
        follow_up: None,
    };
    let q = StatsQuery {
        from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        agency: None,
        category: None,
        area: None,
        channel: None,
    };
    let a = st::summary_from(&t.state, &admin, &q, Source::Best).unwrap();
    let b = st::summary_from(&t.state, &admin, &q, Source::Rows).unwrap();
    assert_eq!(a.received, 100);
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&b).unwrap()
    );
    let mut conn = t.state.pool.get().unwrap();
    let kept = paht::db::repo::stats::all_counts(&mut conn).unwrap();
    paht::db::write_tx(&mut conn, |c| {
        paht::service::stat_counts::rebuild(c).map(|_| ())
    })
    .unwrap();
    assert_eq!(kept, paht::db::repo::stats::all_counts(&mut conn).unwrap());
}
