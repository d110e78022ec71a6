//! Finding reports: the search language, ranking, what the public may search, and places.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::world::{World, report_body};

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The ids of a list's page, in order.
async fn ids(w: &World, token: Option<&str>, path: &str) -> Vec<String> {
    let mut req = w.t.get(path);
    if let Some(t) = token {
        req = req.bearer(t);
    }
    let res = req.send().await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
    let key = if path.starts_with("/api/v1/public") {
        "code"
    } else {
        "id"
    };
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap().to_string())
        .collect()
}

async fn submit(w: &World, title: &str, content: &str, place: Option<(f64, f64)>) -> Value {
    let mut b = report_body();
    b["title"] = json!(title);
    b["content"] = json!(content);
    match place {
        Some((lat, lng)) => {
            b["latitude"] = json!(lat);
            b["longitude"] = json!(lng);
        }
        None => {
            b.as_object_mut().unwrap().remove("latitude");
            b.as_object_mut().unwrap().remove("longitude");
        }
    }
    w.post(&w.citizen, "/api/v1/reports", b).await
}

/// Words, phrases, prefixes and exclusions, with or without diacritics, ranked; the public
/// searches only what it may read.
#[actix_web::test]
async fn search_language_ranking_and_public_text() {
    let w = World::new().await;
    let pothole = w.submit().await;
    let (pothole_id, pothole_code) = (
        pothole["id"].as_str().unwrap().to_string(),
        pothole["code"].as_str().unwrap().to_string(),
    );
    let light = submit(
        &w,
        "Đèn chiếu sáng hỏng ở khóm 3",
        "Đèn đường hỏng, đèn nhấp nháy cả đêm; đèn cần thay.",
        None,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let flood = submit(
        &w,
        "Ngập nước đường Lê Lợi",
        "Nước ngập sâu sau mưa, một đèn tín hiệu bị tắt.",
        None,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let staff = |q: &str| format!("/api/v1/reports?q={}", enc(q));
    let op = Some(w.op.as_str());
    assert_eq!(
        ids(&w, op, &staff("\"ngập nước\"")).await,
        vec![flood.clone()]
    );
    assert_eq!(
        ids(&w, op, &staff("\"NUOC NGAP\"")).await,
        vec![flood.clone()]
    );
    assert_eq!(ids(&w, op, &staff("chiếu*")).await, vec![light.clone()]);
    assert_eq!(ids(&w, op, &staff("chi*")).await, vec![light.clone()]);
    assert_eq!(ids(&w, op, &staff("đèn -ngập")).await, vec![light.clone()]);
    assert_eq!(
        ids(&w, op, &staff(&pothole_code)).await,
        vec![pothole_id.clone()]
    );
    // Ranked: the report that speaks most of lights comes first; `sort=newest` orders by time.
    assert_eq!(
        ids(&w, op, &staff("den")).await,
        vec![light.clone(), flood.clone()]
    );
    assert_eq!(
        ids(&w, op, &format!("{}&sort=newest", staff("den"))).await,
        vec![flood.clone(), light.clone()]
    );
    // Pages by relevance follow each other.
    let res =
        w.t.get(&format!("{}&limit=1", staff("den")))
            .bearer(&w.op)
            .send()
            .await;
    let page = res.json();
    assert_eq!(page["items"][0]["id"], json!(light));
    let next = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        ids(&w, op, &format!("{}&limit=1&cursor={next}", staff("den"))).await,
        vec![flood.clone()]
    );
    // Combined with the other filters and the scope: a citizen finds only their own.
    assert!(
        ids(&w, op, &format!("{}&status=published", staff("den")))
            .await
            .is_empty()
    );
    let (_, other) = w.t.citizen("0912000999").await;
    assert!(ids(&w, Some(&other), &staff("den")).await.is_empty());
    assert_eq!(
        ids(&w, Some(&w.citizen), &staff("ngap")).await,
        vec![flood.clone()]
    );
    // What cannot be searched is a clear 400.
    for (q, code) in [
        ("-den", "search_no_word"),
        ("a*", "search_short_prefix"),
        ("!!! ...", "search_no_word"),
    ] {
        let res = w.t.get(&staff(q)).bearer(&w.op).send().await;
        let p = res.problem(400, "invalid_query");
        assert_eq!(p["errors"][0]["field"], "q", "{q}");
        assert_eq!(p["errors"][0]["code"], code, "{q}");
    }

    // The public searches the text as published: the corrected content and, once published,
    // the answer; never words only staff can read.
    w.post(
        &w.op,
        &format!("/api/v1/reports/{pothole_id}/correction"),
        json!({"content_corrected": "Ổ gà sâu giữa làn xe máy."}),
    )
    .await;
    w.accept(&pothole_id).await;
    let a = w.dispatch(&pothole_id, &w.gtvt).await;
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    let public = |q: &str| format!("/api/v1/public/reports?q={}", enc(q));
    assert!(
        ids(&w, None, &public("ổ gà")).await.is_empty(),
        "not yet published"
    );
    assert_eq!(
        ids(&w, op, &staff("bảo trì")).await,
        vec![pothole_id.clone()],
        "the answer"
    );
    w.approve(&w.leader, &a).await;
    w.publish(&pothole_id).await;
    assert_eq!(
        ids(&w, None, &public("ổ gà")).await,
        vec![pothole_code.clone()]
    );
    assert_eq!(
        ids(&w, None, &public("bao tri")).await,
        vec![pothole_code.clone()]
    );
    assert!(
        ids(&w, None, &public("\"nguy hiểm\"")).await.is_empty(),
        "the original content is not public"
    );
    assert_eq!(
        ids(&w, op, &staff("\"nguy hiểm\"")).await,
        vec![pothole_id.clone()],
        "staff search it"
    );
    // Open311 searches the public text too.
    let res =
        w.t.get(&format!("/open311/v2/requests.json?q={}", enc("nguy hiểm")))
            .send()
            .await;
    assert_eq!(res.json(), json!([]));
    let res =
        w.t.get(&format!("/open311/v2/requests.json?q={}", enc("bảo trì")))
            .send()
            .await;
    assert_eq!(res.json()[0]["service_request_id"], json!(pothole_code));
}

/// `bbox` and `near … within` on the staff and public lists, served by the place index; bad
/// places are a clear 400.
#[actix_web::test]
async fn places_filter_lists() {
    let w = World::new().await;
    // Three places: the market (9.6025, 105.9739), 300 m north of it, and 5 km east.
    let market = submit(
        &w,
        "Rác ở chợ",
        "Rác tràn ra lòng đường.",
        Some((9.6025, 105.9739)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let north = submit(
        &w,
        "Rác phía bắc",
        "Rác chất đống.",
        Some((9.6052, 105.9739)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let east = submit(
        &w,
        "Rác phía đông",
        "Rác chất đống.",
        Some((9.6025, 106.0195)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let nowhere = submit(&w, "Rác không rõ chỗ", "Rác không rõ vị trí.", None).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let op = Some(w.op.as_str());
    let near = |m: u32| format!("/api/v1/reports?near=9.6025,105.9739&within={m}");
    assert_eq!(ids(&w, op, &near(100)).await, vec![market.clone()]);
    assert_eq!(
        ids(&w, op, &near(400)).await,
        vec![north.clone(), market.clone()]
    );
    let all = ids(&w, op, &near(6000)).await;
    assert_eq!(all, vec![east.clone(), north.clone(), market.clone()]);
    assert!(!all.contains(&nowhere), "no coordinates, no place");
    assert_eq!(
        ids(&w, op, "/api/v1/reports?bbox=105.99,9.59,106.05,9.61").await,
        vec![east.clone()]
    );
    assert_eq!(
        ids(&w, op, &format!("{}&q=bac", near(6000))).await,
        vec![north.clone()],
        "with a search"
    );
    // The public list: published reports only.
    assert!(
        ids(
            &w,
            None,
            "/api/v1/public/reports?near=9.6025,105.9739&within=50000"
        )
        .await
        .is_empty()
    );
    for (q, field, code) in [
        ("bbox=1,2,3", "bbox", "invalid_bbox"),
        ("bbox=106,9,105,10", "bbox", "invalid_bbox"),
        ("bbox=105,-95,106,10", "bbox", "invalid_bbox"),
        ("near=9.6,abc", "near", "invalid_near"),
        ("near=9.6,105.9&within=0", "within", "invalid_within"),
        ("near=9.6,105.9&within=60000", "within", "invalid_within"),
        ("within=100", "within", "within_without_near"),
        ("bbox=105,9,106,10&near=9.6,105.9", "near", "place_twice"),
    ] {
        let res =
            w.t.get(&format!("/api/v1/reports?{q}"))
                .bearer(&w.op)
                .send()
                .await;
        let p = res.problem(400, "invalid_query");
        assert_eq!(p["errors"][0]["field"], field, "{q}");
        assert_eq!(p["errors"][0]["code"], code, "{q}");
    }
}

/// The maps: public and staff GeoJSON, and counts per cell with open and overdue reports.
#[actix_web::test]
async fn maps_show_points_and_cells() {
    let w = World::new().await;
    let published = w.published().await;
    let code = w.report(&w.op, &published).await["code"].clone();
    submit(
        &w,
        "Rác ở chợ",
        "Rác tràn ra lòng đường.",
        Some((9.6030, 105.9740)),
    )
    .await;
    submit(
        &w,
        "Rác phía đông",
        "Rác chất đống.",
        Some((9.6025, 106.0195)),
    )
    .await;
    submit(&w, "Rác không rõ chỗ", "Rác không rõ vị trí.", None).await;

    // Public: published reports only, public fields only.
    let res = w.t.get("/api/v1/public/reports.geojson").send().await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("application/geo+json")
    );
    let fc = res.json();
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
    let f = &fc["features"][0];
    assert_eq!(
        f["geometry"],
        json!({"type": "Point", "coordinates": [105.9739, 9.6025]})
    );
    assert_eq!(f["properties"]["code"], code);
    let mut keys: Vec<&str> = f["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "address",
            "admin_unit_code",
            "category_code",
            "code",
            "published_at",
            "title"
        ]
    );
    let res =
        w.t.get("/api/v1/public/reports.geojson?overdue=true")
            .send()
            .await;
    res.problem(400, "invalid_query");

    // Staff: the reports with coordinates the caller may see, with their running step.
    let res =
        w.t.get("/api/v1/reports.geojson?bbox=105.9,9.5,106.1,9.7")
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let fc = res.json();
    let features = fc["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        3,
        "the report without a place is not on the map"
    );
    assert_eq!(features[0]["properties"]["step"], "dispatch");
    assert_eq!(features[0]["properties"]["overdue"], false);
    assert_eq!(features[2]["properties"]["status"], "published");
    assert_eq!(features[2]["properties"]["step"], Value::Null);
    let (_, other) = w.t.citizen("0912000998").await;
    let res =
        w.t.get("/api/v1/reports.geojson")
            .bearer(&other)
            .send()
            .await;
    assert_eq!(res.json()["features"], json!([]), "scoped like the lists");

    // Cells: all four placed reports; two running, overdue once their 4 working hours pass.
    let cells = |zoom: u8| format!("/api/v1/statistics/map?bbox=105.5,9.2,106.4,10.1&zoom={zoom}");
    let sum = |m: &Value, k: &str| {
        m["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[k].as_i64().unwrap())
            .sum::<i64>()
    };
    for zoom in [3, 7, 9, 12, 16, 19] {
        let path = if zoom < 14 {
            cells(zoom)
        } else {
            format!("/api/v1/statistics/map?bbox=105.95,9.59,106.03,9.61&zoom={zoom}")
        };
        let res = w.t.get(&path).bearer(&w.op).send().await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let m = res.json();
        assert_eq!(sum(&m, "reports"), 3, "zoom {zoom}");
        assert_eq!(sum(&m, "open"), 2, "zoom {zoom}");
        assert_eq!(sum(&m, "overdue"), 0, "zoom {zoom}");
    }
    let m = w.t.get(&cells(12)).bearer(&w.op).send().await.json();
    let market = m["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reports"] == 2)
        .expect("the published report and the market's share a cell");
    let b = market["bbox"].as_array().unwrap();
    assert!(b[0].as_f64().unwrap() <= 105.9739 && 105.9740 < b[2].as_f64().unwrap());
    assert!(b[1].as_f64().unwrap() <= 9.6025 && 9.6030 < b[3].as_f64().unwrap());
    w.t.clock.advance(chrono::TimeDelta::days(3));
    let m = w.t.get(&cells(9)).bearer(&w.op).send().await.json();
    assert_eq!(sum(&m, "overdue"), 2);
    // For the IOC, the province and admins; a box too fine for its zoom is refused.
    let res = w.t.get(&cells(9)).bearer(&w.staff).send().await;
    res.problem(403, "forbidden");
    let res =
        w.t.get("/api/v1/statistics/map?bbox=-180,-90,180,90&zoom=16")
            .bearer(&w.op)
            .send()
            .await;
    res.problem(400, "invalid_query");
}

/// The two ways a search condition reads the index give the same reports: the match set read
/// first (a rare word) and each report checked against the index (a word more than
/// `COMMON` reports hold, which only a large database reaches).
#[actix_web::test]
async fn both_ways_of_reading_the_index_agree() {
    use diesel::prelude::*;
    use paht::db::repo::reports::text_condition;
    use paht::db::schema::reports;
    use paht::domain::search::Query;
    let w = World::new().await;
    for (title, content) in [
        ("Đèn đường hỏng", "Đèn chiếu sáng hỏng ở khóm 3, tối om."),
        ("Ngập nước", "Nước ngập sâu, một đèn tín hiệu tắt."),
        ("Ổ gà lớn", "Ổ gà sâu giữa đường, nguy hiểm."),
    ] {
        submit(&w, title, content, None).await;
    }
    let mut c = w.t.state.pool.get().unwrap();
    let sqlite = matches!(*c, paht::db::DbConn::Sqlite(_));
    for (q, n) in [
        ("đèn", 2),
        ("\"ngập nước\"", 1),
        ("đèn -ngập", 1),
        ("chi*", 1),
        ("sâu -\"ổ gà\"", 1),
        ("khong_co", 0),
    ] {
        let q = Query::parse(q).unwrap();
        let mut got = Vec::new();
        for common in [false, true] {
            let mut ids: Vec<String> = reports::table
                .filter(text_condition(sqlite, &q, false, common))
                .select(reports::id)
                .load(&mut *c)
                .unwrap();
            ids.sort();
            got.push(ids);
        }
        assert_eq!(got[0].len(), n, "{q:?}");
        assert_eq!(got[0], got[1], "{q:?}");
    }
}
