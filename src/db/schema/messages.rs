//! The outbox's tables: messages, their attempts, the in-app inbox, the templates, the push
//! devices and the accounts' choices.

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        report_id -> Nullable<Text>,
        event_id -> Nullable<Text>,
        transport -> Text,
        recipient -> Text,
        user_id -> Nullable<Text>,
        subject -> Text,
        body -> Text,
        segments -> Integer,
        thread_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_id -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    outbox_attempts (id) {
        id -> Text,
        message_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        ok -> Bool,
        detail -> Text,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        report_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        title_en -> Text,
        body_en -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    message_templates (kind) {
        kind -> Text,
        subject -> Text,
        body -> Text,
        short -> Text,
        subject_en -> Text,
        body_en -> Text,
        short_en -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    notification_optouts (user_id, kind, channel) {
        user_id -> Text,
        kind -> Text,
        channel -> Text,
    }
}

diesel::table! {
    push_devices (token) {
        token -> Text,
        user_id -> Text,
        platform -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        events -> Text,
        secret -> Text,
        description -> Text,
        active -> Bool,
        failing_since -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    live_events (id) {
        id -> BigInt,
        txid -> BigInt,
        report_id -> Text,
        event_seq -> BigInt,
        action -> Text,
        status -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    letters (id) {
        id -> Text,
        report_id -> Text,
        assignment_id -> Text,
        agency_id -> Text,
        year -> Integer,
        number -> BigInt,
        symbol -> Text,
        issued_at -> Timestamp,
        parent_name -> Nullable<Text>,
        agency_name -> Text,
        place -> Text,
        addressee -> Text,
        answer -> Text,
        signer_title -> Text,
        signer_name -> Text,
        pdf_sha256 -> Nullable<Text>,
    }
}
