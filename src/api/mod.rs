//! The HTTP room: routes, extractors, request and response bodies, contract documentation.
//! No SQL and no rules beyond "is this role allowed here".

pub mod admin_units;
pub mod agencies;
pub mod assignments;
pub mod attachments;
pub mod auth;
pub mod caching;
pub mod calendar;
pub mod calls;
pub mod categories;
pub mod control;
pub mod docs;
pub mod download;
pub mod extract;
pub mod fallback;
pub mod letters;
pub mod mailbox;
pub mod map;
pub mod metrics;
pub mod middleware;
pub mod notifications;
pub mod open311;
pub mod open311_clients;
pub mod ops;
pub mod outbox;
pub mod privacy;
pub mod public;
pub mod recognitions;
pub mod report_views;
pub mod reports;
pub mod shedding;
pub mod state;
pub mod statistics;
pub mod stream;
pub mod track;
pub mod users;
pub mod views;
pub mod webhooks;

pub use state::AppState;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every route, for the server, the tests and the contract alike.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(
            scope("/api/v1")
                .service(auth::register)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::me)
                .service(auth::change_password)
                .service(stream::stream)
                .service(notifications::list_mine)
                .service(notifications::mark_read)
                .service(notifications::settings)
                .service(notifications::put_settings)
                .service(notifications::register_device)
                .service(notifications::remove_device)
                .service(outbox::list_outbox)
                .service(outbox::get_outbox)
                .service(outbox::replay)
                .service(outbox::list_templates)
                .service(outbox::put_template)
                .service(outbox::reset_template)
                .service(open311_clients::create)
                .service(open311_clients::list)
                .service(open311_clients::rotate)
                .service(open311_clients::revoke)
                .service(open311_clients::get_attributes)
                .service(open311_clients::put_attributes)
                .service(webhooks::create)
                .service(webhooks::list)
                .service(webhooks::remove)
                .service(webhooks::enable)
                .service(webhooks::disable)
                .service(users::list)
                .service(users::create)
                .service(users::get)
                .service(users::update)
                .service(agencies::list)
                .service(agencies::create)
                .service(agencies::get)
                .service(agencies::update)
                .service(agencies::remove)
                .service(agencies::set_focal_points)
                .service(agencies::members)
                .service(admin_units::list)
                .service(admin_units::create)
                .service(admin_units::get)
                .service(admin_units::successors)
                .service(admin_units::update)
                .service(admin_units::remove)
                .service(categories::list)
                .service(categories::create)
                .service(categories::get)
                .service(categories::update)
                .service(categories::remove)
                .service(calendar::list_days)
                .service(calendar::create_day)
                .service(calendar::put_day)
                .service(calendar::delete_day)
                .service(calendar::confirm_day)
                .service(calendar::propose_year)
                .service(calendar::deadline)
                .service(calendar::working_time)
                .service(calendar::lunar_date)
                .service(calendar::settings)
                .service(reports::submit)
                .service(calls::by_phone)
                .service(calls::by_identity)
                .service(reports::list)
                .service(map::staff_geojson)
                .service(reports::get_one)
                .service(letters::letter)
                .service(reports::events)
                .service(reports::suggestions)
                .service(reports::dossier)
                .service(reports::link)
                .service(reports::unlink)
                .service(attachments::add_attachment)
                .service(attachments::list_attachments)
                .service(attachments::download_attachment)
                .service(reports::accept)
                .service(reports::correct)
                .service(reports::flags)
                .service(reports::request_info)
                .service(reports::supplement)
                .service(reports::reject)
                .service(reports::forward)
                .service(reports::escalate)
                .service(reports::designate)
                .service(reports::refer)
                .service(reports::decide_referral)
                .service(reports::dispatch)
                .service(reports::publish)
                .service(reports::return_result)
                .service(reports::feedback)
                .service(reports::clarify)
                .service(reports::rate)
                .service(reports::emergency_call)
                .service(reports::emergency_finished)
                .service(reports::emergency_record)
                .service(assignments::inbox)
                .service(assignments::get_one)
                .service(assignments::accept)
                .service(assignments::give_back)
                .service(assignments::coordinators)
                .service(assignments::result)
                .service(assignments::approval)
                .service(assignments::extension)
                .service(assignments::confirm_extension)
                .service(assignments::refuse_extension)
                .service(recognitions::propose)
                .service(recognitions::list)
                .service(statistics::summary)
                .service(statistics::agencies)
                .service(statistics::series)
                .service(statistics::periodic::period_figures)
                .service(statistics::exports::export_reports)
                .service(statistics::periodic::issue)
                .service(statistics::periodic::list_issued)
                .service(statistics::periodic::get_issued)
                .service(statistics::public)
                .service(map::cells)
                .service(map::public_geojson)
                .service(public::list)
                .service(track::submit_guest)
                .service(track::track)
                .service(track::track_events)
                .service(track::track_supplement)
                .service(track::track_feedback)
                .service(track::track_rating)
                .service(track::reissue)
                .service(track::revoke)
                .service(privacy::consent_wording)
                .service(privacy::create_mine)
                .service(privacy::list_mine)
                .service(privacy::export_mine)
                .service(privacy::track_create)
                .service(privacy::track_list)
                .service(privacy::track_export)
                .service(privacy::queue)
                .service(privacy::get_request)
                .service(privacy::decide)
                .service(privacy::officer_export)
                .service(privacy::identity_reads)
                .service(privacy::inventory)
                .service(privacy::retention_plan)
                .service(privacy::record_incident)
                .service(privacy::incidents)
                .service(privacy::incident_notified)
                .service(privacy::incident_affected)
                .service(mailbox::ingest)
                .service(mailbox::list)
                .service(mailbox::get_one)
                .service(mailbox::raw)
                .service(mailbox::claim)
                .service(mailbox::convert)
                .service(mailbox::refuse)
                .service(calls::ingest)
                .service(calls::list)
                .service(calls::get_one)
                .service(calls::call_recording)
                .service(calls::claim)
                .service(calls::convert)
                .service(calls::attach)
                .service(calls::forward)
                .service(public::get_one)
                .service(letters::public_letter),
        );
}
