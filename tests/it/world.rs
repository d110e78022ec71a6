//! The people and places of a story, and the steps every story takes (submit, accept,
//! dispatch, take, answer, approve, publish), shared by the tests of every route.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

pub const NAME: &str = "Trần Thị Bình";
pub const CCCD: &str = "094185001234";
pub const PHONE: &str = "0918765432";
pub const EMAIL: &str = "binh.tran@example.vn";
pub const HOME: &str = "27 Lê Lợi, khóm 3, Phường 6";

pub fn report_body() -> Value {
    json!({
        "title": "Ổ gà lớn trên đường Trần Hưng Đạo",
        "content": "Ổ gà sâu khoảng 20 cm giữa làn xe máy trước số 45, rất nguy hiểm vào ban đêm.",
        "category_code": "giao-thong",
        "address": "Trước số 45 Trần Hưng Đạo, Phường 2",
        "admin_unit_code": "92",
        "latitude": 9.6025,
        "longitude": 105.9739,
        "incident_at": "2026-03-01T12:00:00Z",
        "reporter": {"full_name": NAME, "contact_address": HOME, "cccd": CCCD, "phone": PHONE, "email": EMAIL},
        "consent_share_contact": false
    })
}

/// The people of a story: an operator, a citizen, staff and leaders of two agencies, a province user.
pub struct World {
    pub t: TestApp,
    pub admin: String,
    pub op: String,
    pub citizen: String,
    pub staff: String,
    pub leader: String,
    pub co_staff: String,
    pub co_leader: String,
    pub outsider: String,
    pub province: String,
    pub gtvt: String,
    pub sxd: String,
}

impl World {
    /// Signs everyone in again: after the test clock was set back before the first sign-in,
    /// the old tokens were issued "in the future" and are refused.
    pub async fn sign_in_again(&mut self) {
        use crate::support::{ADMIN_PASSWORD, PASSWORD};
        self.admin = self.t.login("admin", ADMIN_PASSWORD).await;
        self.op = self.t.login("ioc.op", PASSWORD).await;
        self.citizen = self.t.login("0987000111", PASSWORD).await;
        self.staff = self.t.login("gtvt.staff", PASSWORD).await;
        self.leader = self.t.login("gtvt.leader", PASSWORD).await;
        self.co_staff = self.t.login("sxd.staff", PASSWORD).await;
        self.co_leader = self.t.login("sxd.leader", PASSWORD).await;
        self.outsider = self.t.login("syt.staff", PASSWORD).await;
        self.province = self.t.login("ubnd.tinh", PASSWORD).await;
    }

    pub async fn new() -> World {
        Self::with_config(|_| {}).await
    }

    /// The world of an app whose configuration the test adjusts.
    pub async fn with_config(adjust: impl FnOnce(&mut paht::config::Config)) -> World {
        // Stories run over days of the test clock: tokens last long enough.
        let t = TestApp::with_config(|c| {
            c.access_token_ttl = std::time::Duration::from_secs(60 * 86_400);
            adjust(c);
        })
        .await;
        let admin = t.admin().await;
        let (_, op) = t.staff("ioc.op", "operator", None).await;
        let (_, citizen) = t.citizen("0987000111").await;
        let (_, staff) = t.staff("gtvt.staff", "agency_staff", Some("SGTVT")).await;
        let (_, leader) = t.staff("gtvt.leader", "agency_leader", Some("SGTVT")).await;
        let (_, co_staff) = t.staff("sxd.staff", "agency_staff", Some("SXD")).await;
        let (_, co_leader) = t.staff("sxd.leader", "agency_leader", Some("SXD")).await;
        let (_, outsider) = t.staff("syt.staff", "agency_staff", Some("SYT")).await;
        let (_, province) = t.staff("ubnd.tinh", "province", None).await;
        let gtvt = t.agency_id("SGTVT").await;
        let sxd = t.agency_id("SXD").await;
        World {
            t,
            admin,
            op,
            citizen,
            staff,
            leader,
            co_staff,
            co_leader,
            outsider,
            province,
            gtvt,
            sxd,
        }
    }

    /// The citizen submits the standard report; returns it.
    pub async fn submit(&self) -> Value {
        let res = self
            .t
            .post("/api/v1/reports")
            .bearer(&self.citizen)
            .json(&report_body())
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        res.json()
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Value {
        let res = self.t.post(path).bearer(token).json(&body).send().await;
        assert!(
            res.status.is_success(),
            "POST {path}: {} {}",
            res.status,
            res.text()
        );
        res.json()
    }

    /// The operator enters a report received by phone or e-mail (`body["channel"]`, Art. 7.2);
    /// returns the answer.
    pub async fn entered(&self, body: &Value) -> Value {
        let res = self
            .t
            .post("/api/v1/reports")
            .bearer(&self.op)
            .json(body)
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        res.json()
    }

    /// The operator accepts a submitted report (Art. 7.1).
    pub async fn accept(&self, id: &str) -> Value {
        self.post(&self.op, &format!("/api/v1/reports/{id}/accept"), json!({}))
            .await
    }

    /// The operator dispatches a report to an agency (Art. 7.3); returns the assignment id.
    pub async fn dispatch(&self, id: &str, agency: &str) -> String {
        let d = self
            .post(
                &self.op,
                &format!("/api/v1/reports/{id}/assignments"),
                json!({"agency_id": agency}),
            )
            .await;
        d["assignment_id"].as_str().unwrap().to_string()
    }

    /// `token`, of the assigned agency, takes the assignment (Art. 8.1).
    pub async fn take(&self, token: &str, assignment: &str) -> Value {
        self.post(
            token,
            &format!("/api/v1/assignments/{assignment}/accept"),
            json!({}),
        )
        .await
    }

    /// `token`, of the assigned agency, submits the standard result (Annex I).
    pub async fn answer(&self, token: &str, assignment: &str) -> Value {
        self.post(
            token,
            &format!("/api/v1/assignments/{assignment}/result"),
            result_body(),
        )
        .await
    }

    /// `token`, the agency's leader, approves the result (Art. 8.4).
    pub async fn approve(&self, token: &str, assignment: &str) -> Value {
        self.post(
            token,
            &format!("/api/v1/assignments/{assignment}/approval"),
            json!({"decision": "approve"}),
        )
        .await
    }

    /// The operator publishes the approved result (Art. 9.1).
    pub async fn publish(&self, id: &str) -> Value {
        self.post(
            &self.op,
            &format!("/api/v1/reports/{id}/publication"),
            json!({}),
        )
        .await
    }

    /// Submitted, accepted and dispatched to SGTVT; returns (report id, lead assignment id).
    pub async fn dispatched(&self) -> (String, String) {
        let r = self.submit().await;
        let id = r["id"].as_str().unwrap().to_string();
        self.accept(&id).await;
        let a = self.dispatch(&id, &self.gtvt).await;
        (id, a)
    }

    /// Dispatched, taken, answered and approved; returns the report id.
    pub async fn approved(&self) -> String {
        let (id, a) = self.dispatched().await;
        self.take(&self.staff, &a).await;
        self.answer(&self.staff, &a).await;
        self.approve(&self.leader, &a).await;
        id
    }

    /// A submitted report accepted, dispatched to SGTVT, answered, approved and published.
    pub async fn carried_to_publication(&self, id: &str) {
        self.accept(id).await;
        let a = self.dispatch(id, &self.gtvt).await;
        self.take(&self.staff, &a).await;
        self.answer(&self.staff, &a).await;
        self.approve(&self.leader, &a).await;
        self.publish(id).await;
    }

    /// Published; returns the report id.
    pub async fn published(&self) -> String {
        let id = self.approved().await;
        self.publish(&id).await;
        id
    }

    /// The history of a report as `token` sees it.
    pub async fn events(&self, token: &str, id: &str) -> Value {
        let res = self
            .t
            .get(&format!("/api/v1/reports/{id}/events"))
            .bearer(token)
            .send()
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.json()
    }

    pub async fn report(&self, token: &str, id: &str) -> Value {
        let res = self
            .t
            .get(&format!("/api/v1/reports/{id}"))
            .bearer(token)
            .send()
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.json()
    }
}

pub fn result_body() -> Value {
    json!({
        "addressee": "Ông/Bà người phản ánh",
        "answer": "Sở Giao thông vận tải đã chỉ đạo đơn vị bảo trì vá ổ gà trong ngày 03/3/2026.",
        "signer_title": "Giám đốc"
    })
}

/// The actions of a history, oldest first.
pub fn actions_of(events: &Value) -> Vec<&str> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

/// The clock of a step in a report view.
pub fn clock<'a>(report: &'a Value, step: &str) -> &'a Value {
    report["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|k| k["step"] == step)
        .unwrap_or_else(|| panic!("no {step} clock in {}", report["deadlines"]))
}
