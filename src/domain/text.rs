//! Vietnamese text as people type it: with or without diacritics, in any case, with either
//! placement of the tone mark ("Hòa" or "Hoà"). One folded form makes them all equal.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Canonical composition (NFC): the same letters always have the same bytes.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The search form of a text: decomposed, its marks removed, `đ` as `d`, in lower case, with
/// runs of white space as one space. `Đường`, `ĐƯỜNG` and `duong` fold alike; so do "Hòa" and
/// "Hoà".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The folded text a report is searched by: its parts folded, one space between them.
pub fn search_text(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().map(|p| fold(p)).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Đường"), "duong");
        assert_eq!(fold("ĐƯỜNG"), "duong");
        assert_eq!(fold("trần  Hưng\tĐạo "), "tran hung dao");
        assert_eq!(fold("Xã Hoà Tú 2"), fold("Xã Hòa Tú 2"));
        assert_eq!(fold("Thủy"), fold("Thuỷ"));
        // Decomposed input folds like composed input.
        let decomposed: String = "Phường".nfd().collect();
        assert_eq!(fold(&decomposed), "phuong");
        assert_eq!(nfc(&decomposed), "Phường");
    }
}
