//! The follow-up token of a report: the secret that, with the tracking code, lets a reporter
//! without an account follow their report, supplement it and give feedback (Art. 7.1, 10).
//!
//! It is read out on the phone and typed from an SMS, so it is written in Crockford's base 32
//! (no I, L, O or U), 16 symbols in four groups (`7KQ2-M9XD-4HRT-W3ZP`, 80 bits). What the
//! reporter types is read leniently: lower case, spaces and dashes, and the letters that look
//! like digits (O for 0, I and L for 1).

/// Crockford's base-32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Symbols of a token.
pub const SYMBOLS: usize = 16;

/// The token written from 10 random bytes (80 bits), in groups of four.
pub fn format(bytes: [u8; 10]) -> String {
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    let mut out = String::with_capacity(SYMBOLS + 3);
    for i in 0..SYMBOLS {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let shift = 5 * (SYMBOLS - 1 - i);
        out.push(ALPHABET[((bits >> shift) & 31) as usize] as char);
    }
    out
}

/// The canonical symbols of what a reporter typed, or `None` when it cannot be a token.
pub fn normalize(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(SYMBOLS);
    for ch in typed.chars() {
        let c = match ch.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
        if out.len() > SYMBOLS {
            return None;
        }
    }
    (out.len() == SYMBOLS).then_some(out)
}

/// The text with every token in it blotted out (`••••-••••-••••-••••`): what a delivered
/// message keeps, so that the token lives on only as its hash.
pub fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let is_symbol = |c: u8| ALPHABET.contains(&c);
    let token_at = |i: usize| {
        i + SYMBOLS + 3 <= b.len()
            && (0..SYMBOLS + 3).all(|k| {
                if k % 5 == 4 {
                    b[i + k] == b'-'
                } else {
                    is_symbol(b[i + k])
                }
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if starts_word && token_at(i) {
            let end = i + SYMBOLS + 3;
            if end == b.len() || !b[end].is_ascii_alphanumeric() {
                out.push_str(&text[copied..i]);
                out.push_str("••••-••••-••••-••••");
                i = end;
                copied = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivered_message_keeps_no_token() {
        let t = format([7, 1, 200, 42, 9, 9, 0, 255, 3, 77]);
        let text = format!("Mã số PA-2026-000001.\nMã bảo mật: {t} (không chia sẻ).");
        let masked = mask(&text);
        assert!(!masked.contains(&t), "{masked}");
        assert!(masked.contains("Mã bảo mật: ••••-••••-••••-•••• (không"));
        assert!(masked.contains("PA-2026-000001"));
        assert_eq!(mask(&t), "••••-••••-••••-••••");
        // Something merely like it stays.
        assert_eq!(mask("XABCD-EFGH-JKMN-PQRS"), "XABCD-EFGH-JKMN-PQRS");
        assert_eq!(mask("Đường số 5"), "Đường số 5");
    }

    #[test]
    fn a_token_has_four_groups_of_the_alphabet() {
        let t = format([0xff; 10]);
        assert_eq!(t, "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        assert_eq!(format([0; 10]), "0000-0000-0000-0000");
        let t = format([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(t.len(), 19);
        assert!(t.split('-').all(|g| g.len() == 4));
    }

    #[test]
    fn what_a_reporter_types_is_read_leniently() {
        let t = format([0x5a, 0x13, 0x77, 0x01, 0xfe, 0x80, 0x42, 0x99, 0x10, 0x3c]);
        let canon = t.replace('-', "");
        assert_eq!(normalize(&t).as_deref(), Some(canon.as_str()));
        assert_eq!(
            normalize(&t.to_lowercase()).as_deref(),
            Some(canon.as_str())
        );
        assert_eq!(
            normalize(&t.replace('-', " ")).as_deref(),
            Some(canon.as_str())
        );
        assert_eq!(
            normalize("oooo-iiii-llll-0000").as_deref(),
            Some("0000111111110000")
        );
        assert_eq!(normalize("ZZZZ-ZZZZ-ZZZZ-ZZZ"), None);
        assert_eq!(normalize("ZZZZ-ZZZZ-ZZZZ-ZZZZZ"), None);
        assert_eq!(normalize("ZZZZ-ZZZZ-ZZZZ-ZZZU"), None);
        assert_eq!(normalize("ZZZZ-ZZZZ-ZZZZ-ZZZĐ"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn different_bytes_give_different_tokens() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..=255u8 {
            for j in [0u8, 9] {
                let mut b = [0u8; 10];
                b[j as usize] = i;
                seen.insert(format(b));
            }
        }
        assert_eq!(seen.len(), 511);
    }
}
