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

/// The words of a text as the search indexes hold them: folded, cut at everything that is not a
/// letter or a digit (`PA-2026-000123` is `pa 2026 000123`), so both databases' indexes see the
/// same words whatever their own tokenizers would make of punctuation.
pub fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The indexed text of a report: the words of its parts, one space between them.
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .flat_map(|p| words(p))
        .collect::<Vec<_>>()
        .join(" ")
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

    #[test]
    fn cuts_words_at_punctuation() {
        assert_eq!(
            words("PA-2026-000123, Đường 3/2!"),
            ["pa", "2026", "000123", "duong", "3", "2"]
        );
        assert_eq!(
            search_text(&["Đèn  hỏng", "", "(ấp Hòa Tú)"]),
            "den hong ap hoa tu"
        );
    }
}
