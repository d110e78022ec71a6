//! SMS text: GSM-7 (160 characters a segment, 153 in a long message) or, for anything GSM-7
//! lacks such as Vietnamese diacritics, UCS-2 (70, 67 in a long message). The unaccented form
//! (`PAHT_SMS_UNACCENTED`) turns Vietnamese into GSM-7 at less than half the cost.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The GSM 03.38 default alphabet.
const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each takes two septets.
const GSM7_EXT: &str = "^{}\\[~]|€\u{c}";

/// How a text is encoded and how many segments it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    pub unicode: bool,
    pub count: u32,
}

pub fn segments(text: &str) -> Segments {
    let mut septets = 0usize;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7.contains(c) {
            septets += 1;
        } else if GSM7_EXT.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    if gsm {
        let count = if septets <= 160 {
            1
        } else {
            septets.div_ceil(153)
        };
        return Segments {
            unicode: false,
            count: count.max(1) as u32,
        };
    }
    let units = text.encode_utf16().count();
    let count = if units <= 70 { 1 } else { units.div_ceil(67) };
    Segments {
        unicode: true,
        count: count.max(1) as u32,
    }
}

/// The text without diacritics: `Phản ánh đã có kết quả` → `Phan anh da co ket qua`. Case is
/// kept; characters GSM-7 still lacks become `?`.
pub fn unaccented(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            '–' | '—' => '-',
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            c if GSM7.contains(c) || GSM7_EXT.contains(c) => c,
            c if c.is_whitespace() => ' ',
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_takes_ucs2_and_its_unaccented_form_gsm7() {
        let vi = "PAHT: phản ánh PA-2026-000001 đã có kết quả xử lý. Xem tại https://paht.vn/p";
        let s = segments(vi);
        assert!(s.unicode);
        assert_eq!(s.count, 2, "{} UTF-16 units", vi.encode_utf16().count());
        let plain = unaccented(vi);
        assert_eq!(
            plain,
            "PAHT: phan anh PA-2026-000001 da co ket qua xu ly. Xem tai https://paht.vn/p"
        );
        assert_eq!(
            segments(&plain),
            Segments {
                unicode: false,
                count: 1
            }
        );
        assert_eq!(unaccented("ĐƯỜNG Đạo"), "DUONG Dao");
    }

    #[test]
    fn segment_boundaries() {
        assert_eq!(segments(&"a".repeat(160)).count, 1);
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
        // Extension characters count twice.
        assert_eq!(segments(&"€".repeat(80)).count, 1);
        assert_eq!(segments(&"€".repeat(81)).count, 2);
        assert_eq!(segments(&"ư".repeat(70)).count, 1);
        assert_eq!(segments(&"ư".repeat(71)).count, 2);
        assert_eq!(segments(&"ư".repeat(134)).count, 2);
        assert_eq!(segments(&"ư".repeat(135)).count, 3);
        assert_eq!(segments("").count, 1);
    }
}
