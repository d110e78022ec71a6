//! The tables of personal-data protection: the reads of identities, consents, data subjects'
//! requests and incidents.

diesel::table! {
    identity_reads (id) {
        id -> Text,
        report_id -> Text,
        user_id -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        report_id -> Text,
        purpose -> Text,
        basis -> Text,
        granted -> Bool,
        wording_version -> Nullable<Text>,
        channel -> Text,
        proof -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by_request -> Nullable<Text>,
    }
}

diesel::table! {
    privacy_incidents (id) {
        id -> Text,
        summary -> Text,
        detected_at -> Timestamp,
        occurred_from -> Timestamp,
        occurred_to -> Timestamp,
        account_id -> Nullable<Text>,
        notice_due_at -> Timestamp,
        notified_at -> Nullable<Timestamp>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    subject_requests (id) {
        id -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        report_id -> Nullable<Text>,
        purpose -> Nullable<Text>,
        details -> Nullable<Text>,
        status -> Text,
        received_at -> Timestamp,
        due_at -> Timestamp,
        handled_by -> Nullable<Text>,
        handled_at -> Nullable<Timestamp>,
        answer -> Nullable<Text>,
        version -> Integer,
    }
}
