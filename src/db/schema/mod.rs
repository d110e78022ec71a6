//! The tables, kept by hand in portable types (Text, Bool, Date, Timestamp, BigInt, Integer,
//! Double) so one definition serves SQLite and PostgreSQL.

mod channels;
mod messages;
mod privacy;
pub use channels::*;
pub use messages::*;
pub use privacy::*;

diesel::table! {
    admin_units (code) {
        code -> Text,
        name -> Text,
        level -> Text,
        parent_code -> Nullable<Text>,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agencies (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Text>,
        admin_unit_code -> Nullable<Text>,
        participating -> Bool,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        focal_leader_id -> Nullable<Text>,
        focal_staff_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        valid_to -> Nullable<Date>,
        focal_missing_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    admin_unit_successions (old_code, old_valid_to, new_code) {
        old_code -> Text,
        old_valid_to -> Date,
        new_code -> Text,
        partial -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        full_name -> Text,
        password_hash -> Text,
        role -> Text,
        agency_id -> Nullable<Text>,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        phone_index -> Nullable<Text>,
        email_index -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    categories (code) {
        code -> Text,
        name -> Text,
        description -> Nullable<Text>,
        default_agency_id -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    seed_runs (name) {
        name -> Text,
        applied_at -> Timestamp,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        note -> Text,
        legal_basis -> Nullable<Text>,
        confirmed -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        code -> Text,
        channel -> Text,
        status -> Text,
        title -> Text,
        content -> Text,
        content_corrected -> Nullable<Text>,
        category_code -> Text,
        address -> Text,
        admin_unit_code -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        incident_at -> Nullable<Timestamp>,
        reporter_user_id -> Nullable<Text>,
        consent_share_contact -> Bool,
        consent_public_name -> Bool,
        confidential -> Bool,
        emergency -> Bool,
        state_secret -> Bool,
        entered_by -> Nullable<Text>,
        lead_agency_id -> Nullable<Text>,
        rejection_reason -> Nullable<Text>,
        forward_kind -> Nullable<Text>,
        forward_agency_id -> Nullable<Text>,
        rating -> Nullable<Text>,
        extension_used -> Bool,
        next_due_at -> Nullable<Timestamp>,
        submitted_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    report_reporters (report_id) {
        report_id -> Text,
        full_name -> Text,
        contact_address -> Text,
        cccd -> Text,
        phone -> Text,
        email -> Nullable<Text>,
        organization -> Nullable<Text>,
        phone_index -> Nullable<Text>,
        cccd_index -> Nullable<Text>,
        restricted -> Bool,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    province_referrals (id) {
        id -> Text,
        report_id -> Text,
        raised_by -> Text,
        raised_role -> Text,
        raised_agency_id -> Nullable<Text>,
        reason -> Text,
        raised_at -> Timestamp,
        decision -> Nullable<Text>,
        direction -> Nullable<Text>,
        designated_agency_id -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    report_search (report_id) {
        /// SQLite only: the row id of the full-text and place indexes.
        doc -> BigInt,
        report_id -> Text,
        text -> Text,
        public_text -> Text,
    }
}

diesel::table! {
    /// SQLite only: the FTS5 index over `report_search` (`rank` is FTS5's bm25, lower is better).
    report_fts (rowid) {
        rowid -> BigInt,
        rank -> Double,
    }
}

diesel::table! {
    report_duplicates (child_id) {
        child_id -> Text,
        parent_id -> Text,
        linked_by -> Text,
        linked_at -> Timestamp,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    map_cells (level, cx, cy) {
        level -> Integer,
        cx -> Integer,
        cy -> Integer,
        reports -> BigInt,
    }
}

diesel::table! {
    recognition_proposals (id) {
        id -> Text,
        nominee -> Text,
        ground -> Text,
        report_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        reason -> Text,
        proposed_by -> Text,
        proposed_role -> Text,
        proposed_agency_id -> Nullable<Text>,
        proposed_at -> Timestamp,
    }
}

diesel::table! {
    emergencies (report_id) {
        report_id -> Text,
        agency_id -> Text,
        called_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        summary -> Nullable<Text>,
        recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        report_id -> Text,
        agency_id -> Text,
        role -> Text,
        lead_assignment_id -> Nullable<Text>,
        status -> Text,
        assigned_at -> Timestamp,
        assigned_by -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
        returned_at -> Nullable<Timestamp>,
        return_reason -> Nullable<Text>,
        suggested_agency_id -> Nullable<Text>,
        result_addressee -> Nullable<Text>,
        result_answer -> Nullable<Text>,
        result_signer_title -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        leader_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    clocks (id) {
        id -> Text,
        report_id -> Text,
        assignment_id -> Nullable<Text>,
        agency_id -> Nullable<Text>,
        step -> Text,
        started_at -> Timestamp,
        due_at -> Timestamp,
        original_due_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        overdue_at -> Nullable<Timestamp>,
        remind_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        warn_at -> Nullable<Timestamp>,
        warned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    extensions (id) {
        id -> Text,
        report_id -> Text,
        assignment_id -> Text,
        clock_id -> Text,
        reason -> Text,
        notice_number -> Text,
        notice_date -> Date,
        new_due_at -> Timestamp,
        status -> Text,
        requested_by -> Text,
        requested_at -> Timestamp,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        citizen_notified_at -> Nullable<Timestamp>,
        refused_by -> Nullable<Text>,
        refused_at -> Nullable<Timestamp>,
        refusal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    report_events (id) {
        id -> Text,
        report_id -> Text,
        seq -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        actor_agency_id -> Nullable<Text>,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        assignment_id -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    feedback (id) {
        id -> Text,
        report_id -> Text,
        content -> Text,
        created_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        clock_id -> Nullable<Text>,
    }
}

diesel::table! {
    ratings (id) {
        id -> Text,
        report_id -> Text,
        rating -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        request_hash -> Text,
        report_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        report_id -> Text,
        kind -> Text,
        content_type -> Text,
        file_name -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        data -> Nullable<Binary>,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    periodic_reports (id) {
        id -> Text,
        kind -> Text,
        year -> Integer,
        n -> Integer,
        period_from -> Date,
        period_to -> Date,
        issued_at -> Timestamp,
        issued_by -> Text,
        note -> Nullable<Text>,
        data -> Text,
    }
}

diesel::table! {
    report_outcomes (report_id) {
        report_id -> Text,
        published_at -> Timestamp,
        processing_seconds -> BigInt,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(categories -> agencies (default_agency_id));
diesel::joinable!(report_reporters -> reports (report_id));
diesel::joinable!(assignments -> reports (report_id));
diesel::joinable!(clocks -> reports (report_id));
diesel::joinable!(live_events -> reports (report_id));
diesel::joinable!(report_events -> reports (report_id));

diesel::allow_tables_to_appear_in_same_query!(
    admin_units,
    recognition_proposals,
    report_search,
    report_fts,
    report_duplicates,
    map_cells,
    admin_unit_successions,
    province_referrals,
    agencies,
    users,
    refresh_tokens,
    categories,
    seed_runs,
    calendar_days,
    counters,
    reports,
    report_reporters,
    emergencies,
    assignments,
    clocks,
    extensions,
    report_events,
    feedback,
    ratings,
    identity_reads,
    consents,
    subject_requests,
    privacy_incidents,
    idempotency_keys,
    attachments,
    periodic_reports,
    report_outcomes,
    outbox,
    outbox_attempts,
    notifications,
    message_templates,
    push_devices,
    notification_optouts,
    webhook_subscriptions,
    live_events,
    letters,
    follow_up_tokens,
    mail_messages,
    calls,
    open311_clients,
    open311_requests,
    service_attributes,
    report_attributes,
    throttle_hits,
);

diesel::table! {
    /// The statistics counters (`repo::stats`): written with prepared statements on SQLite.
    stat_counts (scope, grain, day, metric, k1, k2) {
        scope -> Text,
        grain -> Text,
        day -> Date,
        metric -> Text,
        k1 -> Text,
        k2 -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// The reporters' follow-up tokens (`repo::follow_up`): hashes only.
    follow_up_tokens (report_id) {
        report_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        issued_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}
