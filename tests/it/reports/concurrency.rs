use paht::service::reports::actions::{AcceptInput, DispatchInput};

use crate::world::World;

/// A context whose actions on a report wait for each other at the start of their transaction:
/// the two run at the same moment, every time (a barrier, no sleep).
fn meeting(w: &World) -> paht::service::Context {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let mut ctx = w.t.state.ctx.clone();
    ctx.hooks.action_begins = Some(std::sync::Arc::new(move || {
        barrier.wait();
    }));
    ctx
}

#[actix_web::test]
async fn two_operators_accepting_at_once_one_wins() {
    let w = World::new().await;
    let ctx = meeting(&w);
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let me = w.t.get("/api/v1/me").bearer(&w.op).send().await.json();
    let op: paht::service::auth::Require<paht::service::auth::roles::Operator> =
        paht::service::auth::Require::check(&paht::service::auth::Principal {
            user_id: me["id"].as_str().unwrap().to_string(),
            role: paht::domain::roles::Role::Operator,
            agency_id: None,
            follow_up: None,
        })
        .unwrap();
    let results: Vec<Result<(), u16>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    paht::service::reports::actions::accept(&ctx, &op, &id, AcceptInput::default())
                        .map_err(|e| e.status.as_u16())
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results.contains(&Err(409)), "{results:?}");
    // Two dispatches at once: one lead assignment, never two.
    let results: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    paht::service::reports::actions::dispatch(
                        &ctx,
                        &op,
                        &id,
                        DispatchInput {
                            agency_id: w.gtvt.clone(),
                            note: None,
                        },
                    )
                    .is_ok()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1);
    let r = w.report(&w.op, &id).await;
    assert_eq!(r["assignments"].as_array().unwrap().len(), 1);
    let events =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(
        events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "accepted")
            .count(),
        1,
        "no action applied twice"
    );
}

/// Two retries of one submission with the same `Idempotency-Key`, at the same moment: one
/// report, both answered with it (one created, one replayed), no tracking code spent twice.
#[actix_web::test]
async fn two_retries_with_one_key_at_once_make_one_report() {
    use paht::service::reports::intake::{self, NewReport, Submitted};
    let w = World::new().await;
    let ctx = meeting(&w);
    let me = w.t.get("/api/v1/me").bearer(&w.citizen).send().await.json();
    let citizen = paht::service::auth::Principal {
        user_id: me["id"].as_str().unwrap().to_string(),
        role: paht::domain::roles::Role::Citizen,
        agency_id: None,
        follow_up: None,
    };
    let results: Vec<Submitted> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let input: NewReport =
                        serde_json::from_value(crate::world::report_body()).unwrap();
                    intake::submit(&ctx, &citizen, input, Some("retry-7f3a")).unwrap()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ids: Vec<&str> = results
        .iter()
        .map(|s| match s {
            Submitted::Created(d) | Submitted::Replayed(d) => d.report.id.as_str(),
        })
        .collect();
    assert_eq!(ids[0], ids[1], "both answered with the same report");
    let created = results
        .iter()
        .filter(|s| matches!(s, Submitted::Created(_)))
        .count();
    assert_eq!(created, 1, "one created, one replayed");
    let list = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // The next report takes the next code: the loser's number was given back.
    let next = w.submit().await;
    assert_eq!(next["code"], "PA-2026-000002");
}
