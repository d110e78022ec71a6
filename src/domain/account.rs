//! Rules for accounts: what a login looks like, Vietnamese phone numbers, e-mail, passwords.

use crate::error::Msg;

/// What the `login` of a sign-in names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginId {
    Email(String),
    Phone(String),
    Username(String),
}

impl LoginId {
    /// Classifies and normalises a login: an e-mail address (lower case), a Vietnamese phone
    /// number (to the national form `0xxxxxxxxx`), or else a user name (lower case).
    pub fn parse(login: &str) -> LoginId {
        let login = login.trim();
        if login.contains('@') {
            LoginId::Email(login.to_lowercase())
        } else if let Some(p) = normalize_phone(login) {
            LoginId::Phone(p)
        } else {
            LoginId::Username(login.to_lowercase())
        }
    }

    /// The normalised value, used as the key of the per-account login limit.
    pub fn key(&self) -> &str {
        match self {
            LoginId::Email(s) | LoginId::Phone(s) | LoginId::Username(s) => s,
        }
    }
}

/// Normalises a Vietnamese mobile or landline number to `0` + 9 or 10 digits: accepts `+84`,
/// `84` and `0` prefixes and ignores spaces, dots and dashes. Mobile numbers start with
/// 03, 05, 07, 08 or 09 (10 digits); landlines with 02 (11 digits, e.g. 0299 for Sóc Trăng).
pub fn normalize_phone(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = if let Some(rest) = cleaned.strip_prefix("+84") {
        format!("0{rest}")
    } else if cleaned.starts_with("84") && cleaned.len() >= 11 {
        format!("0{}", &cleaned[2..])
    } else {
        cleaned
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let b = digits.as_bytes();
    let ok = match b.get(1) {
        Some(b'3' | b'5' | b'7' | b'8' | b'9') => b[0] == b'0' && digits.len() == 10,
        Some(b'2') => b[0] == b'0' && digits.len() == 11,
        _ => false,
    };
    ok.then_some(digits)
}

/// A plausible e-mail address (one `@`, a dotted domain, no spaces), lower-cased.
pub fn normalize_email(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && s.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(s)
}

/// A user name for staff: 3–50 of `a-z 0-9 . _ -`, starting with a letter.
pub fn valid_username(s: &str) -> bool {
    (3..=50).contains(&s.len())
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// A password must have 8 to 128 characters, with at least one letter and one digit.
pub fn check_password_strength(p: &str) -> Result<(), Msg> {
    let n = p.chars().count();
    if n < 8 {
        return Err(Msg::new(
            "Mật khẩu phải có ít nhất 8 ký tự.",
            "The password must have at least 8 characters.",
        ));
    }
    if n > 128 {
        return Err(Msg::new(
            "Mật khẩu không được dài quá 128 ký tự.",
            "The password must have at most 128 characters.",
        ));
    }
    if !p.chars().any(char::is_alphabetic) || !p.chars().any(|c| c.is_ascii_digit()) {
        return Err(Msg::new(
            "Mật khẩu phải có cả chữ và số.",
            "The password must contain both letters and digits.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for (raw, want) in [
            ("0912345678", Some("0912345678")),
            ("+84 912 345 678", Some("0912345678")),
            ("84912345678", Some("0912345678")),
            ("0299.3822.123", Some("02993822123")),
            ("0312-345-678", Some("0312345678")),
            ("091234567", None),
            ("0112345678", None),
            ("09123456789", None),
            ("abc", None),
        ] {
            assert_eq!(normalize_phone(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn logins() {
        assert_eq!(
            LoginId::parse(" An@Example.VN "),
            LoginId::Email("an@example.vn".into())
        );
        assert_eq!(
            LoginId::parse("+84912345678"),
            LoginId::Phone("0912345678".into())
        );
        assert_eq!(LoginId::parse("Admin"), LoginId::Username("admin".into()));
    }

    #[test]
    fn emails_and_usernames() {
        assert_eq!(
            normalize_email("A.B@Sotttt.gov.vn").as_deref(),
            Some("a.b@sotttt.gov.vn")
        );
        for bad in ["a@b", "@x.vn", "a b@x.vn", "a@.vn", "a@x..vn", "a@@x.vn"] {
            assert!(normalize_email(bad).is_none(), "{bad}");
        }
        assert!(valid_username("ioc.operator1"));
        assert!(!valid_username("1abc"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("Abc"));
    }

    #[test]
    fn passwords() {
        assert!(check_password_strength("abc12345").is_ok());
        assert!(check_password_strength("mậtkhẩu9").is_ok());
        assert!(check_password_strength("short1").is_err());
        assert!(check_password_strength("onlyletters").is_err());
        assert!(check_password_strength("1234567890").is_err());
        assert!(check_password_strength(&"a1".repeat(65)).is_err());
    }
}
