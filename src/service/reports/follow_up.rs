//! Follow-up without an account (Art. 7.1, 10): every report gets, beside its tracking code, a
//! secret token that goes to the reporter through the channel of intake. With the code and the
//! token a reporter sees the state and the result, supplements the report when asked, sends
//! feedback and rates it. Only the token's SHA-256 is stored; the IOC can revoke it and issue
//! another; wrong tokens are counted per client address.

use chrono::{DateTime, Utc};

use crate::db::models::FollowUpTokenRow;
use crate::db::{DbConn, repo};
use crate::domain::follow_up;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::{Principal, Require, roles::Operator, sha256_hex};
use crate::service::reports::act;

/// A new token for the report, replacing any before it; answers the token itself, which is
/// written nowhere but in the message to the reporter (and the answer to whoever issued it).
pub fn issue(
    c: &mut DbConn,
    report_id: &str,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = follow_up::format(rand::random());
    let canonical = follow_up::normalize(&token).ok_or_else(|| AppError::internal("token"))?;
    repo::follow_up::put(
        c,
        &FollowUpTokenRow {
            report_id: report_id.to_string(),
            token_hash: sha256_hex(&canonical),
            issued_at: now.naive_utc(),
            issued_by: by.map(str::to_string),
            revoked_at: None,
        },
    )?;
    Ok(token)
}

/// 401 for a missing, wrong or revoked token, or an unknown code: the same answer for each, so
/// it tells nothing about which codes exist.
pub fn denied() -> AppError {
    AppError::unauthorized(
        "invalid_follow_up_token",
        "Mã số phản ánh hoặc mã bảo mật theo dõi không đúng, hoặc mã bảo mật đã bị thu hồi.",
        "The tracking code or the follow-up token is wrong, or the token was revoked.",
    )
}

/// The reporter behind a tracking code and its token, or 401 (429 for an address that showed
/// too many wrong tokens).
pub fn open(st: &Context, code: &str, typed: &str, address: &str) -> AppResult<Principal> {
    let now = st.clock.now();
    st.throttle.check_follow_up(address, now)?;
    let found = match follow_up::normalize(typed) {
        None => None,
        Some(canonical) => {
            let mut conn = st.pool.get()?;
            let code = code.trim().to_ascii_uppercase();
            match repo::reports::find_by_code(&mut conn, &code)? {
                None => None,
                Some(r) => repo::follow_up::of(&mut conn, &r.id)?
                    .filter(|t| t.revoked_at.is_none() && t.token_hash == sha256_hex(&canonical))
                    .map(|_| r.id),
            }
        }
    };
    match found {
        Some(id) => Ok(Principal::follower(&id)),
        None => {
            st.throttle.follow_up_failed(address, now)?;
            Err(denied())
        }
    }
}

/// The IOC issues a new token (the reporter lost it, or it leaked): the old one stops working,
/// the new one goes to the reporter through the channel of intake and is answered once to the
/// operator, who may read it out to a caller.
pub fn reissue(st: &Context, who: &Require<Operator>, id: &str) -> AppResult<String> {
    act(st, who, id, |ctx, c, r| {
        let token = issue(c, &r.id, Some(&who.user_id), ctx.now)?;
        ctx.event(c, &r, "follow_up_reissued", None, None, None)?;
        ctx.save(c, &r, Default::default())?;
        *ctx.follow_up_token.borrow_mut() = Some(token.clone());
        Ok(token)
    })
}

/// The IOC revokes the report's token: nobody follows it without an account until another is
/// issued.
pub fn revoke(st: &Context, who: &Require<Operator>, id: &str) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        if !repo::follow_up::revoke(c, &r.id, ctx.now_naive())? {
            return Err(AppError::conflict(
                "no_follow_up_token",
                "Phản ánh không có mã bảo mật theo dõi đang hiệu lực.",
                "The report has no follow-up token in force.",
            ));
        }
        ctx.event(c, &r, "follow_up_revoked", None, None, None)?;
        ctx.save(c, &r, Default::default())
    })
}
