//! The tables, kept by hand in portable types (Text, Bool, Date, Timestamp, BigInt, Integer,
//! Double) so one definition serves SQLite and PostgreSQL.

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

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(categories -> agencies (default_agency_id));

diesel::allow_tables_to_appear_in_same_query!(
    admin_units,
    agencies,
    users,
    refresh_tokens,
    categories,
    seed_runs
);
