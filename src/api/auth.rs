//! `/api/v1/auth/*` and `/api/v1/me`.

use crate::service::auth::Account;
use actix_web::web::{Data, Json, block};
use actix_web::{HttpResponse, get, post};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::api::extract::{ClientAddr, ValidJson};
use crate::api::state::AppState;
use crate::api::views::{TokenResponse, UserView};
use crate::error::AppResult;
use crate::service::auth::{self as svc, Principal, Registration};
use crate::service::users::{self, PasswordChange};

/// A citizen's registration: a phone number or an e-mail address (or both), and a password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Full name.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Trần Thị Bình", min_length = 1, max_length = 200)]
    pub full_name: String,
    /// Vietnamese phone number (e.g. `0912345678` or `+84912345678`).
    #[schema(example = "0912345678", pattern = r"^[0-9+ .()\-]+$")]
    pub phone: Option<String>,
    /// E-mail address.
    #[schema(example = "binh@example.vn", format = Email)]
    pub email: Option<String>,
    /// 8–128 characters with letters and digits.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

/// Sign-in.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// A user name, a phone number or an e-mail address.
    #[validate(length(min = 1, max = 254))]
    #[schema(example = "admin", min_length = 1, max_length = 254)]
    pub login: String,
    /// The password.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

/// Register a citizen account.
///
/// Staff accounts are created by admins (`POST /api/v1/users`).
#[utoipa::path(
    tag = "auth",
    operation_id = "register",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The account was created.", body = UserView),
        (status = 409, description = "The phone or e-mail is already used (`login_taken`).", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many registrations from this address.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
pub async fn register(
    st: Data<AppState>,
    addr: ClientAddr,
    body: ValidJson<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let user = block(move || {
        svc::register(
            &st,
            Registration {
                full_name: b.full_name,
                phone: b.phone,
                email: b.email,
                password: b.password,
            },
            Some(&addr.0),
        )
    })
    .await??;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}

/// Sign in.
///
/// Failed attempts are limited per account and client address, and per client address; past
/// a limit that address gets 429 with `Retry-After`. Failures on an account from anywhere slow
/// its sign-ins down (up to a few seconds) but never lock it.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 401, description = "Wrong login or password (`invalid_credentials`), or a disabled account.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    st: Data<AppState>,
    addr: ClientAddr,
    body: ValidJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let (st2, login, address) = (st.clone(), b.login.clone(), addr.0.clone());
    let wait = block(move || svc::login_delay(&st2, &login, &address)).await??;
    if !wait.is_zero() {
        actix_web::rt::time::sleep(wait).await;
    }
    let pair = block(move || svc::login(&st, &b.login, &b.password, &addr.0)).await??;
    Ok(tokens(pair.into()))
}

/// Tokens are never cached, by the browser or by anything in between (RFC 6749 §5.1).
fn tokens(body: TokenResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .insert_header((actix_web::http::header::PRAGMA, "no-cache"))
        .json(body)
}

/// Exchange a refresh token for a new pair.
///
/// Each refresh token works once. Presenting a used one again revokes every token of its
/// sign-in (`refresh_token_reused`).
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshToken",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens.", body = TokenResponse),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed refreshes from this address.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    st: Data<AppState>,
    addr: ClientAddr,
    body: ValidJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let pair = block(move || svc::refresh(&st, &b.refresh_token, &addr.0)).await??;
    Ok(tokens(pair.into()))
}

/// Sign out: revoke the refresh token and every token of its sign-in.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also for unknown tokens)."))
)]
#[post("/auth/logout")]
pub async fn logout(
    st: Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    block(move || svc::logout(&st, &b.refresh_token)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user's account.
#[utoipa::path(
    tag = "me",
    operation_id = "getMe",
    security(("bearer" = [])),
    responses((status = 200, description = "The account.", body = UserView))
)]
#[get("/me")]
pub async fn me(account: Account) -> AppResult<Json<UserView>> {
    Ok(Json(UserView::from((*account.0).clone())))
}

/// Change one's own password; every session of the account ends.
#[utoipa::path(
    tag = "me",
    operation_id = "changeMyPassword",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204, description = "Changed; sign in again."))
)]
#[post("/me/password")]
pub async fn change_password(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<PasswordChange>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    block(move || users::change_own_password(&st, &who, b)).await??;
    Ok(HttpResponse::NoContent().finish())
}
