//! What a newcomer meets first: the units in force today, the maintenance commands of the
//! `paht` binary, and the files it creates.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::world::{World, report_body};

/// Phường Phú Lợi: code 31510 since 1/7/2025 (it was Phường 2 of Sóc Trăng city before).
const PHU_LOI: &str = "31510";

fn database_url(t: &TestApp) -> String {
    match &t.state.config.database {
        paht::config::DatabaseUrl::Postgres(u) => u.clone(),
        paht::config::DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
    }
}

/// Runs the `paht` binary against a database; returns (success, stdout, stderr).
fn paht(
    url: &str,
    data_dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_paht"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("PAHT_DATA_DIR", data_dir)
        .env(
            "PAHT_JWT_SECRET",
            "a-test-signing-key-of-at-least-32-bytes!",
        )
        .current_dir(data_dir);
    if url.starts_with("postgres") {
        cmd.env("PAHT_DATA_KEYS", crate::support::DATA_KEYS)
            .env("PAHT_DATA_INDEX_KEY", crate::support::DATA_INDEX_KEY);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the paht binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[actix_web::test]
async fn the_units_of_today_are_seeded_and_reports_file_under_them() {
    let w = World::new().await;
    let units =
        w.t.get("/api/v1/admin-units?level=commune&parent_code=92&valid_on=2026-03-02")
            .send()
            .await
            .json();
    let units = units.as_array().unwrap();
    assert_eq!(
        units.len(),
        103,
        "the 103 communes and wards of Cần Thơ city"
    );
    assert!(
        units
            .iter()
            .any(|u| u["code"] == PHU_LOI && u["name"] == "Phường Phú Lợi")
    );
    // A district of before the reform is kept for old reports, and is no longer in force.
    let old = w.t.get("/api/v1/admin-units/941").send().await.json();
    assert_eq!(old["valid_to"], "2025-06-30");
    // What the former units became: Sóc Trăng's Huyện Châu Thành went to four communes, and
    // not to those formed from Hậu Giang's district of the same name.
    let codes = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let chau_thanh = codes(
        w.t.get("/api/v1/admin-units/942/successors")
            .send()
            .await
            .json(),
    );
    assert_eq!(
        chau_thanh,
        ["31569", "31570", "31582", "31594"],
        "{chau_thanh:?}"
    );
    let province =
        w.t.get("/api/v1/admin-units/94/successors")
            .send()
            .await
            .json();
    assert_eq!(
        province,
        json!([{"code": "92", "name": "Thành phố Cần Thơ", "partial": false}])
    );
    assert_eq!(
        w.t.get("/api/v1/admin-units/92/successors")
            .send()
            .await
            .json(),
        json!([])
    );
    let mut b = report_body();
    b["admin_unit_code"] = json!(PHU_LOI);
    let r = w.post(&w.citizen, "/api/v1/reports", b.clone()).await;
    assert_eq!(r["admin_unit_code"], PHU_LOI);
    b["admin_unit_code"] = json!("941");
    w.t.post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(&b)
        .send()
        .await
        .problem(422, "validation_failed");
    // The People's Committees follow the units: the ward's is there, the district's ended.
    let agencies = w.t.get("/api/v1/agencies").send().await.json();
    let list = agencies.as_array().unwrap().clone();
    let find = |code: &str| list.iter().find(|a| a["code"] == code).cloned();
    let ward = find(&format!("UBND-{PHU_LOI}")).expect("the ward's People's Committee");
    assert_eq!(ward["kind"], "commune_committee");
    assert_eq!(ward["name"], "UBND phường Phú Lợi");
    let district = find("UBND-941").expect("the former district's committee is kept");
    assert_eq!(district["valid_to"], "2025-06-30");
    let id = r["id"].as_str().unwrap();
    w.accept(id).await;
    let res =
        w.t.post(&format!("/api/v1/reports/{id}/assignments"))
            .bearer(&w.op)
            .json(&json!({"agency_id": district["id"]}))
            .send()
            .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "agency_dissolved", "{p}");
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/assignments"),
        json!({"agency_id": ward["id"]}),
    )
    .await;
}

/// Reports filed under the province of Sóc Trăng before 1/7/2025 count under Cần Thơ city, the
/// unit it became as a whole; the succession is keyed on the former unit's last day.
#[actix_web::test]
async fn statistics_count_former_units_under_the_unit_they_became() {
    let mut w = World::new().await;
    w.t.clock.set(
        chrono::DateTime::parse_from_rfc3339("2025-05-05T03:00:00Z")
            .unwrap()
            .to_utc(),
    );
    w.sign_in_again().await;
    let mut b = report_body();
    b["admin_unit_code"] = json!("94");
    b["incident_at"] = json!("2025-05-01T01:00:00Z");
    w.post(&w.citizen, "/api/v1/reports", b).await;
    w.t.clock.set(crate::support::start_instant());
    w.sign_in_again().await;
    let summary: Value =
        w.t.get("/api/v1/statistics/summary?from=2025-01-01&to=2025-12-31")
            .bearer(&w.op)
            .send()
            .await
            .json();
    let areas: Vec<(String, i64)> = summary["by_area"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap().to_string(),
                k["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(areas, vec![("92".to_string(), 1)]);
    let filtered: Value = w
        .t
        .get("/api/v1/statistics/summary?from=2025-01-01&to=2025-12-31&area=92&category=giao-thong")
        .bearer(&w.op)
        .send()
        .await
        .json();
    assert_eq!(filtered["received"], 1, "{filtered}");
}

#[actix_web::test]
async fn an_admin_loads_a_later_unit_list_without_a_release() {
    let w = World::new().await;
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&w.t);
    // The official list of a later change: Phú Lợi renamed, one ward dropped (merged into
    // Phú Lợi), everything else as it is.
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/db/seed/admin-units-can-tho-2025.csv"
    ))
    .unwrap();
    let mut lines: Vec<String> = shipped.lines().map(String::from).collect();
    let dropped = lines
        .iter()
        .position(|l| l.starts_with("31507,"))
        .expect("Phường Sóc Trăng in the list");
    lines.remove(dropped);
    for l in lines
        .iter_mut()
        .filter(|l| l.starts_with(&format!("{PHU_LOI},")))
    {
        *l = format!(
            "{PHU_LOI},Phường Phú Lợi Mới,ward,Sóc Trăng,\"Phường Phú Lợi [{PHU_LOI}, Phường Phú Lợi]; Phường Sóc Trăng [31507, Phường Sóc Trăng]\",test"
        );
    }
    let file = dir.path().join("units-2027.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (ok, out, err) = paht(
        &url,
        &w.t.state.config.data_dir,
        &[
            "admin",
            "import-units",
            file.to_str().unwrap(),
            "--valid-from",
            "2027-01-01",
        ],
        &[],
    );
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("1 updated") && out.contains("1 ended on 2026-12-31"),
        "{out}"
    );
    let renamed =
        w.t.get(&format!("/api/v1/admin-units/{PHU_LOI}"))
            .send()
            .await
            .json();
    assert_eq!(renamed["name"], "Phường Phú Lợi Mới");
    let ended = w.t.get("/api/v1/admin-units/31507").send().await.json();
    assert_eq!(ended["valid_to"], "2026-12-31");
    // A list that reuses a code with reports for a different unit is refused whole.
    let mut b = report_body();
    b["admin_unit_code"] = json!("31135");
    w.post(&w.citizen, "/api/v1/reports", b).await;
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "code,name\n31135,Phường Hoàn Toàn Khác\n99999,Phường Mới\n31136,Khu Không Hợp Lệ\n",
    )
    .unwrap();
    let (ok, _, err) = paht(
        &url,
        &w.t.state.config.data_dir,
        &[
            "admin",
            "import-units",
            bad.to_str().unwrap(),
            "--valid-from",
            "2027-06-01",
        ],
        &[],
    );
    assert!(!ok);
    assert!(err.contains("dòng 4"), "every bad row is named: {err}");
    std::fs::write(
        &bad,
        "code,name\n31135,Phường Hoàn Toàn Khác\n99999,Phường Mới\n",
    )
    .unwrap();
    let (ok, _, err) = paht(
        &url,
        &w.t.state.config.data_dir,
        &[
            "admin",
            "import-units",
            bad.to_str().unwrap(),
            "--valid-from",
            "2027-06-01",
        ],
        &[],
    );
    assert!(!ok && err.contains("31135"), "{err}");
    w.t.get("/api/v1/admin-units/99999")
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(
        w.t.get("/api/v1/admin-units/31135").send().await.json()["name"],
        "Phường Ninh Kiều"
    );
}

#[actix_web::test]
async fn a_lost_admin_password_is_reset_from_the_command_line() {
    let t = TestApp::new().await;
    let old = t.admin().await;
    let (ok, out, err) = paht(
        &database_url(&t),
        &t.state.config.data_dir,
        &["admin", "reset-password"],
        &[],
    );
    assert!(ok, "{err}");
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("the new password on standard output")
        .to_string();
    assert!(
        !err.contains(&password),
        "the password stays out of the log"
    );
    assert!(!t.login("admin", &password).await.is_empty());
    t.get("/api/v1/me")
        .bearer(&old)
        .send()
        .await
        .problem(401, "session_ended");
    let (ok, _, err) = paht(
        &database_url(&t),
        &t.state.config.data_dir,
        &["admin", "reset-password", "nobody"],
        &[],
    );
    assert!(!ok && err.contains("nobody"), "{err}");
}

/// The log is plain text when it is not a terminal; the data folder and the database are the
/// service user's only; a later `PAHT_ADMIN_PASSWORD` is said to be ignored.
#[test]
fn the_binary_logs_plainly_and_keeps_its_files_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("sqlite://{}", data.join("paht.db").display());
    let (ok, _, first) = paht(&url, dir.path(), &["migrate"], &[]);
    assert!(ok, "{first}");
    assert!(
        !first.contains('\u{1b}'),
        "colour codes in a piped log: {first:?}"
    );
    assert!(first.contains("password"), "{first}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("paht.db")), 0o600);
        assert_eq!(mode(&dir.path().join("data-keys")), 0o600, "identity keys");
    }
    let (ok, _, again) = paht(
        &url,
        dir.path(),
        &["migrate"],
        &[("PAHT_ADMIN_PASSWORD", "Mat-khau-moi-2026")],
    );
    assert!(ok, "{again}");
    assert!(again.contains("PAHT_ADMIN_PASSWORD is set but"), "{again}");
    assert!(again.contains("reset-password"), "{again}");
}
