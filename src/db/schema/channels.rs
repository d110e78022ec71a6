//! The channels' tables: the e-mail that reached the mailbox, the calls of the switchboard, the
//! Open311 clients and the requests they filed.

diesel::table! {
    mail_messages (id) {
        id -> Text,
        received_at -> Timestamp,
        source -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        raw -> Nullable<Binary>,
        message_id -> Nullable<Text>,
        from_address -> Nullable<Text>,
        from_name -> Nullable<Text>,
        subject -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        body_text -> Text,
        attachment_count -> Integer,
        status -> Text,
        reason -> Nullable<Text>,
        note -> Nullable<Text>,
        report_id -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    calls (id) {
        id -> Text,
        switchboard_id -> Nullable<Text>,
        caller -> Text,
        line -> Text,
        direction -> Text,
        started_at -> Timestamp,
        ended_at -> Timestamp,
        after_hours -> Bool,
        queued_from -> Timestamp,
        received_at -> Timestamp,
        recording_type -> Nullable<Text>,
        recording_name -> Nullable<Text>,
        recording_size -> Nullable<BigInt>,
        recording_sha256 -> Nullable<Text>,
        recording -> Nullable<Binary>,
        status -> Text,
        report_id -> Nullable<Text>,
        agency_id -> Nullable<Text>,
        note -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
        caller_index -> Nullable<Text>,
    }
}

diesel::table! {
    open311_clients (id) {
        id -> Text,
        name -> Text,
        key_hash -> Text,
        key_prefix -> Text,
        rate_per_minute -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    open311_requests (report_id) {
        report_id -> Text,
        client_id -> Text,
        token -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_attributes (category_code, code) {
        category_code -> Text,
        code -> Text,
        datatype -> Text,
        required -> Bool,
        description -> Text,
        position -> Integer,
        choices -> Text,
    }
}

diesel::table! {
    report_attributes (report_id, code, value) {
        report_id -> Text,
        code -> Text,
        value -> Text,
    }
}

diesel::table! {
    /// The throttles' counted attempts, shared by every replica (`repo::throttle`).
    throttle_hits (id) {
        id -> Text,
        bucket -> Text,
        key -> Text,
        at -> Timestamp,
    }
}
