//! Open311 GeoReport v2 (`/open311/v2`): an admin issues a city app its key; the app reads the
//! services and their definitions (the identity Art. 4.2 requires as attributes), files a
//! request, reads it back by id and by token, and lists requests; JSON and XML alike, with no
//! personal data ever.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::counterparts::SmtpServer;
use crate::support::Res;
use crate::world::{CCCD, World};

async fn client(w: &World, name: &str, rate: u32) -> (String, String) {
    let v = w
        .post(
            &w.admin,
            "/api/v1/admin/open311-clients",
            json!({"name": name, "rate_per_minute": rate}),
        )
        .await;
    (
        v["id"].as_str().unwrap().to_string(),
        v["api_key"].as_str().unwrap().to_string(),
    )
}

fn form(key: &str, extra: &[(&str, &str)]) -> String {
    let base = [
        ("api_key", key),
        ("jurisdiction_id", ""),
        ("service_code", "giao-thong"),
        ("lat", "9.6025"),
        ("long", "105.9739"),
        ("address_string", "Trước số 45 Trần Hưng Đạo, Phường 2"),
        ("first_name", "Văn An"),
        ("last_name", "Nguyễn"),
        ("phone", "0912345678"),
        ("email", "an.nguyen@example.vn"),
        (
            "description",
            "Ổ gà sâu khoảng 20 cm giữa làn xe máy trước số 45, rất nguy hiểm vào ban đêm.",
        ),
        ("attribute[cccd]", CCCD),
        ("attribute[contact_address]", "12 Lê Lợi, khóm 3, Phường 6"),
        ("attribute[admin_unit_code]", "92"),
        ("attribute[consent_share_contact][]", "true"),
    ];
    let mut f = form_urlencoded::Serializer::new(String::new());
    // A field given in `extra` replaces the standard one.
    for (k, v) in base
        .iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
    {
        f.append_pair(k, v);
    }
    for (k, v) in extra {
        f.append_pair(k, v);
    }
    f.finish()
}

async fn post(w: &World, path: &str, body: String) -> Res {
    w.t.post(path)
        .raw("application/x-www-form-urlencoded", body)
        .send()
        .await
}

async fn get(w: &World, path: &str) -> Res {
    w.t.get(path).send().await
}

#[actix_web::test]
async fn a_city_app_files_and_follows_a_request() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let w = World::with_config(move |c| c.notify.smtp_url = Some(url)).await;
    let (id, key) = client(&w, "Ứng dụng Cần Thơ 311", 60).await;

    // Discovery, services and the definition, in JSON and XML.
    let d = get(&w, "/open311/v2/discovery.json").await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(
        d.json()["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let s = get(&w, "/open311/v2/services.json?jurisdiction_id=")
        .await
        .json();
    let roads = s
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["service_code"] == "giao-thong")
        .expect("the category is a service");
    assert_eq!(roads["metadata"], true);
    assert_eq!(roads["type"], "realtime");
    let x = get(&w, "/open311/v2/services.xml").await;
    assert_eq!(
        x.header("content-type").as_deref(),
        Some("text/xml; charset=utf-8")
    );
    let text = x.text();
    assert!(
        text.starts_with("<?xml") && text.contains("<services><service><"),
        "{text}"
    );
    let def = get(&w, "/open311/v2/services/giao-thong.json").await.json();
    let attrs = def["attributes"].as_array().unwrap();
    let cccd = attrs.iter().find(|a| a["code"] == "cccd").unwrap();
    assert_eq!(cccd["required"], true);
    assert!(attrs.iter().any(|a| {
        a["code"] == "admin_unit_code"
            && a["values"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["key"] == "92")
    }));
    let def_xml = get(&w, "/open311/v2/service/giao-thong.xml").await.text();
    assert!(def_xml.contains("<service_definition><"), "{def_xml}");
    assert!(def_xml.contains("<attributes><attribute>"), "{def_xml}");
    let unknown = get(&w, "/open311/v2/services/khong-co.json").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()[0]["code"], 404);
    assert_eq!(
        get(&w, "/open311/v2/services.csv").await.status,
        StatusCode::NOT_FOUND
    );

    // The key is required to file, and a wrong one is refused.
    let none = post(&w, "/open311/v2/requests.json", form("", &[])).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    assert_eq!(none.json()[0]["code"], 403);
    let wrong = post(&w, "/open311/v2/requests.json", form("o311_wrong", &[])).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // What Art. 4.2 requires, in GeoReport's error shape: every problem at once.
    let bare = format!("api_key={key}&service_code=giao-thong&description=x");
    let bad = post(&w, "/open311/v2/requests.json", bare).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let descriptions: Vec<String> = bad
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["description"].as_str().unwrap().to_string())
        .collect();
    for f in ["attribute[cccd]", "address_string", "phone", "first_name"] {
        assert!(
            descriptions.iter().any(|d| d.starts_with(f)),
            "{f}: {descriptions:?}"
        );
    }
    let not_vi = post(
        &w,
        "/open311/v2/requests.json",
        form(
            &key,
            &[(
                "description",
                "There is a big pothole here, dangerous at night.",
            )],
        ),
    )
    .await;
    assert_eq!(not_vi.status, StatusCode::BAD_REQUEST);
    assert!(
        not_vi
            .json()
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["description"]
                .as_str()
                .unwrap()
                .starts_with("description")),
        "{}",
        not_vi.text()
    );

    // Coordinates alone are a place (GeoReport asks for them or an address): they stand as the
    // address.
    let coords = post(
        &w,
        "/open311/v2/requests.json",
        form(&key, &[("address_string", ""), ("email", "")]),
    )
    .await;
    assert_eq!(coords.status, StatusCode::CREATED, "{}", coords.text());
    let coords_code = coords.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mine = get(
        &w,
        &format!("/open311/v2/requests/{coords_code}.json?api_key={key}"),
    )
    .await
    .json();
    assert_eq!(mine[0]["address"], "Tọa độ 9.602500, 105.973900");

    // Filed (the api_key in the query works too).
    let res = post(
        &w,
        &format!("/open311/v2/requests.json?api_key={key}"),
        form("", &[]),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let filed = res.json();
    let code = filed[0]["service_request_id"].as_str().unwrap().to_string();
    let token = filed[0]["token"].as_str().unwrap().to_string();
    assert!(code.starts_with("PA-2026-"));
    assert!(
        filed[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("04 giờ làm việc")
    );

    // The IOC sees it, from the app, with the reporter it needs.
    let reports = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    let report_id = reports["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(reports["items"][0]["channel"], "open311");
    let seen = w.report(&w.op, &report_id).await;
    assert_eq!(seen["reporter"]["full_name"], "Nguyễn Văn An");
    let events = w.events(&w.op, &report_id).await;
    assert!(
        events[0]["note"]
            .as_str()
            .unwrap()
            .contains("Open311: Ứng dụng Cần Thơ 311")
    );
    // The reporter's acknowledgement with the follow-up token goes to their e-mail.
    paht::service::outbox::deliver_all(&w.t.state.ctx).expect("dispatch runs");
    assert_eq!(smtp.to("an.nguyen@example.vn").len(), 1);

    // Before verification: only the filing key reads it (by id or by token).
    assert_eq!(
        get(&w, &format!("/open311/v2/requests/{code}.json"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mine = get(
        &w,
        &format!("/open311/v2/requests/{code}.json?api_key={key}"),
    )
    .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text());
    let by_token = get(&w, &format!("/open311/v2/tokens/{token}.json"))
        .await
        .json();
    assert_eq!(by_token[0]["service_request_id"], code.as_str());
    let (_, other_key) = client(&w, "Ứng dụng khác", 60).await;
    assert_eq!(
        get(
            &w,
            &format!("/open311/v2/requests/{code}.json?api_key={other_key}")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Verified, anyone reads it: open, with its deadline, and no personal data.
    w.accept(&report_id).await;
    let r = get(&w, &format!("/open311/v2/requests/{code}.json")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = r.json();
    assert_eq!(r[0]["status"], "open");
    assert_eq!(r[0]["service_code"], "giao-thong");
    assert!(
        r[0]["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+07:00")
    );
    assert!(r[0]["expected_datetime"].as_str().is_some());
    let all = r.to_string();
    for private in [CCCD, "0912345678", "an.nguyen", "Nguyễn Văn An", "Lê Lợi"] {
        assert!(!all.contains(private), "{private} leaked: {all}");
    }
    let xml = get(&w, &format!("/open311/v2/requests/{code}.xml"))
        .await
        .text();
    assert!(xml.contains("<service_requests><request>"), "{xml}");
    assert!(xml.contains(&format!("<service_request_id>{code}</service_request_id>")));

    // The extensions: the public timeline and the extended attributes; mySociety's updates.
    let ext = get(
        &w,
        &format!("/open311/v2/requests/{code}.json?extensions=true"),
    )
    .await
    .json();
    let notes = ext[0]["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["summary"] == "Trung tâm IOC đã xác minh, tiếp nhận phản ánh."),
        "{ext}"
    );
    assert_eq!(ext[0]["extended_attributes"]["channel"], "open311");
    assert_eq!(ext[0]["extended_attributes"]["overdue"], false);
    let updates = get(
        &w,
        "/open311/v2/servicerequestupdates.json?start_date=2026-03-01T00:00:00Z",
    )
    .await
    .json();
    assert!(
        updates
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["service_request_id"] == code.as_str() && u["status"] == "open"),
        "{updates}"
    );
    let updates_xml = get(
        &w,
        "/open311/v2/servicerequestupdates.xml?start_date=2026-03-01T00:00:00Z",
    )
    .await
    .text();
    assert!(
        updates_xml.contains("<service_request_updates><request_update>"),
        "{updates_xml}"
    );
    assert!(!updates.to_string().contains(CCCD));

    // Lists: by service and status, by ids; dates W3C.
    let open = get(
        &w,
        "/open311/v2/requests.json?service_code=giao-thong&status=open",
    )
    .await
    .json();
    assert_eq!(open.as_array().unwrap().len(), 1);
    let closed = get(&w, "/open311/v2/requests.json?status=closed")
        .await
        .json();
    assert_eq!(closed.as_array().unwrap().len(), 0);
    let ids = get(
        &w,
        &format!("/open311/v2/requests.json?service_request_id={code},PA-2026-999999"),
    )
    .await
    .json();
    assert_eq!(ids.as_array().unwrap().len(), 1);
    // A client that sends dates sends their midnight: the end day counts whole.
    let by_day = get(
        &w,
        "/open311/v2/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-02T00:00:00Z",
    )
    .await
    .json();
    assert_eq!(by_day.as_array().unwrap().len(), 1, "{by_day}");
    // Words (folded) and a box.
    let words = get(&w, "/open311/v2/requests.json?q=o%20ga%20sau")
        .await
        .json();
    assert_eq!(words.as_array().unwrap().len(), 1, "{words}");
    let inside = get(&w, "/open311/v2/requests.json?bbox=105.9,9.5,106.0,9.7")
        .await
        .json();
    assert_eq!(inside.as_array().unwrap().len(), 1);
    let outside = get(&w, "/open311/v2/requests.json?bbox=106.0,9.5,106.1,9.7")
        .await
        .json();
    assert_eq!(outside.as_array().unwrap().len(), 0);
    assert_eq!(
        get(&w, "/open311/v2/requests.json?bbox=1,2").await.status,
        StatusCode::BAD_REQUEST
    );
    let bad_date = get(&w, "/open311/v2/requests.json?start_date=yesterday").await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    let list_xml = get(&w, "/open311/v2/requests.xml?status=open").await.text();
    assert!(list_xml.contains("<request>"), "{list_xml}");

    // Rotated, the old key stops; revoked, the new one too.
    let rotated = w
        .post(
            &w.admin,
            &format!("/api/v1/admin/open311-clients/{id}/rotate"),
            json!({}),
        )
        .await;
    let new_key = rotated["api_key"].as_str().unwrap().to_string();
    let old = post(&w, "/open311/v2/requests.json", form(&key, &[])).await;
    assert_eq!(old.status, StatusCode::FORBIDDEN);
    let res =
        w.t.delete(&format!("/api/v1/admin/open311-clients/{id}"))
            .bearer(&w.admin)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let gone = post(&w, "/open311/v2/requests.json", form(&new_key, &[])).await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN);
    let listed: Value =
        w.t.get("/api/v1/admin/open311-clients")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id.as_str() && c["revoked_at"].is_string())
    );
    assert!(
        !listed.to_string().contains(&new_key),
        "keys are never listed"
    );
    w.t.get("/api/v1/admin/open311-clients")
        .bearer(&w.op)
        .send()
        .await
        .problem(403, "forbidden");
}

/// Each key has its own rate: past it, 429 with `Retry-After`, in GeoReport's shape.
#[actix_web::test]
async fn each_key_has_its_own_rate() {
    let w = World::new().await;
    let (_, slow) = client(&w, "Ứng dụng chậm", 2).await;
    let (_, other) = client(&w, "Ứng dụng khác", 60).await;
    for _ in 0..2 {
        let r = get(
            &w,
            &format!("/open311/v2/requests/PA-2026-000001.json?api_key={slow}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let third = get(
        &w,
        &format!("/open311/v2/requests/PA-2026-000001.json?api_key={slow}"),
    )
    .await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(third.header("retry-after").is_some());
    assert_eq!(third.json()[0]["code"], 429);
    let fine = get(
        &w,
        &format!("/open311/v2/requests/PA-2026-000001.json?api_key={other}"),
    )
    .await;
    assert_eq!(fine.status, StatusCode::NOT_FOUND);
}

/// A city app's picture (`media`, multipart) becomes an attachment of the report, checked by
/// its bytes.
#[actix_web::test]
async fn a_picture_filed_with_the_request_is_attached() {
    let w = World::new().await;
    let (_, key) = client(&w, "Ứng dụng ảnh", 60).await;
    let boundary = "O311b0undary";
    let mut body = Vec::new();
    for pair in form(&key, &[]).split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        let decode = |s: &str| {
            form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .unwrap()
                .1
                .into_owned()
        };
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n",
                decode(k),
                decode(v)
            )
            .as_bytes(),
        );
    }
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    jpeg.extend(std::iter::repeat_n(7u8, 2000));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"o-ga.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&jpeg);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res =
        w.t.post("/open311/v2/requests.xml")
            .raw(
                &format!("multipart/form-data; boundary={boundary}"),
                body.clone(),
            )
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert!(res.text().contains("<service_request_id>PA-2026-"));
    let reports = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    let id = reports["items"][0]["id"].as_str().unwrap();
    let files =
        w.t.get(&format!("/api/v1/reports/{id}/attachments"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(files[0]["content_type"], "image/jpeg", "{files}");
    assert_eq!(files[0]["file_name"], "o-ga.jpg");
    // Bytes that are no picture are refused.
    let jfif = body.windows(4).position(|x| x == b"JFIF").unwrap();
    let mut not_a_picture = body.clone();
    not_a_picture[jfif - 6..jfif + 4].copy_from_slice(b"not-a-pict");
    let res =
        w.t.post("/open311/v2/requests.json")
            .raw(
                &format!("multipart/form-data; boundary={boundary}"),
                not_a_picture,
            )
            .send()
            .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
    assert!(
        res.json()[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("media")
    );
}

/// A refused report is closed, and read only by the app that filed it.
#[actix_web::test]
async fn a_refused_request_is_read_only_by_its_app() {
    let w = World::new().await;
    let (_, key) = client(&w, "Ứng dụng Cần Thơ 311", 60).await;
    let filed = post(&w, "/open311/v2/requests.json", form(&key, &[]))
        .await
        .json();
    let code = filed[0]["service_request_id"].as_str().unwrap().to_string();
    let reports = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    let id = reports["items"][0]["id"].as_str().unwrap();
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/reject"),
        json!({"reason": "complaint_or_denunciation", "note": "Nội dung khiếu nại, hướng dẫn gửi theo Luật Khiếu nại"}),
    )
    .await;
    assert_eq!(
        get(&w, &format!("/open311/v2/requests/{code}.json"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mine = get(
        &w,
        &format!("/open311/v2/requests/{code}.json?api_key={key}"),
    )
    .await
    .json();
    assert_eq!(mine[0]["status"], "closed");
    assert!(mine[0]["expected_datetime"].is_null());
    let all = get(&w, "/open311/v2/requests.json?status=closed")
        .await
        .json();
    assert_eq!(all.as_array().unwrap().len(), 0, "{all}");
    let notes = mine.to_string();
    assert!(
        !notes.contains("Luật Khiếu nại"),
        "the IOC's note stays internal: {notes}"
    );
}

/// An admin adds questions to a category's service definition; filings are checked against
/// them, and the answers are kept with the report for staff (never shown to apps).
#[actix_web::test]
async fn admins_add_attributes_to_a_service() {
    let w = World::new().await;
    let (_, key) = client(&w, "Ứng dụng Cần Thơ 311", 60).await;
    let path = "/api/v1/categories/giao-thong/open311-attributes";
    let put = |body: Value| {
        let w = &w;
        async move { w.t.put(path).bearer(&w.admin).json(&body).send().await }
    };
    put(json!({"attributes": [{"code": "cccd", "datatype": "string", "required": false, "description": "Trùng mã"}]}))
        .await
        .problem(422, "validation_failed");
    put(json!({"attributes": [{"code": "loai", "datatype": "singlevaluelist", "required": true, "description": "Loại hư hỏng"}]}))
        .await
        .problem(422, "validation_failed");
    let set = put(json!({"attributes": [
        {"code": "loai_hu_hong", "datatype": "singlevaluelist", "required": true, "description": "Loại hư hỏng",
         "values": [{"key": "o_ga", "name": "Ổ gà"}, {"key": "nut", "name": "Nứt mặt đường"}]},
        {"code": "chieu_sau_cm", "datatype": "number", "required": false, "description": "Độ sâu (cm)"}
    ]}))
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    let got = w.t.get(path).bearer(&w.admin).send().await.json();
    assert_eq!(got[0]["code"], "loai_hu_hong");
    w.t.get(path)
        .bearer(&w.op)
        .send()
        .await
        .problem(403, "forbidden");

    let def = get(&w, "/open311/v2/services/giao-thong.json").await.json();
    let own = def["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "loai_hu_hong")
        .expect("the admin's attribute is in the definition");
    assert_eq!(own["required"], true);
    assert_eq!(own["order"], 10);
    assert_eq!(own["values"][1]["key"], "nut");

    let missing = post(&w, "/open311/v2/requests.json", form(&key, &[])).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.text().contains("attribute[loai_hu_hong]"),
        "{}",
        missing.text()
    );
    let wrong = post(
        &w,
        "/open311/v2/requests.json",
        form(
            &key,
            &[
                ("attribute[loai_hu_hong]", "sat_lo"),
                ("attribute[chieu_sau_cm]", "sâu"),
            ],
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong.json().as_array().unwrap().len(),
        2,
        "{}",
        wrong.text()
    );
    let ok = post(
        &w,
        "/open311/v2/requests.json",
        form(
            &key,
            &[
                ("attribute[loai_hu_hong]", "o_ga"),
                ("attribute[chieu_sau_cm]", "20"),
            ],
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
    let code = ok.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let reports = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    let id = reports["items"][0]["id"].as_str().unwrap();
    let seen = w.report(&w.op, id).await;
    let answers = seen["service_attributes"].as_array().unwrap();
    assert!(
        answers
            .iter()
            .any(|a| a["code"] == "loai_hu_hong" && a["value"] == "o_ga"),
        "{seen}"
    );
    assert!(
        answers
            .iter()
            .any(|a| a["code"] == "chieu_sau_cm" && a["value"] == "20")
    );
    let mine = get(
        &w,
        &format!("/open311/v2/requests/{code}.json?api_key={key}"),
    )
    .await
    .text();
    assert!(!mine.contains("o_ga"), "{mine}");
}
