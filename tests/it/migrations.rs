use std::collections::BTreeSet;
use std::path::Path;

use actix_web::http::StatusCode;

use crate::support::TestApp;

fn names(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn both_migration_trees_hold_the_same_migrations() {
    let sqlite = names("migrations/sqlite");
    let postgres = names("migrations/postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must list the same migrations"
    );
    for m in &sqlite {
        for tree in ["sqlite", "postgres"] {
            for f in ["up.sql", "down.sql"] {
                assert!(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join(format!("migrations/{tree}/{m}/{f}"))
                        .exists(),
                    "{tree}/{m}/{f}"
                );
            }
        }
    }
}

#[actix_web::test]
async fn a_restart_keeps_what_admins_changed() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    assert_eq!(
        t.delete("/api/v1/categories/khac")
            .bearer(&admin)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Start again on the same database: migrations and seeding are no-ops.
    let (state, report) =
        paht::app::AppState::init((*t.state.config).clone(), t.clock.clone()).unwrap();
    assert_eq!(report.migrations_applied, 0);
    assert!(!report.reference_loaded);
    assert!(!report.admin_created);
    let cats = paht::service::directory::list_categories(&state, None).unwrap();
    assert!(
        cats.iter().all(|c| c.code != "khac"),
        "a deleted category is not seeded again"
    );
}
