//! Complaints and denunciations (khiếu nại, tố cáo) are not field reports: the IOC refuses them
//! (Art. 1.1c, 3.9) and they follow the Law on Complaints and the Law on Denunciations. Intake
//! cannot tell them apart for sure; it points the operator at the words that suggest one. A
//! suggestion only: nothing is refused automatically.

use crate::domain::text::fold;

/// Words that suggest a complaint or a denunciation, folded (`domain::text::fold`), each with
/// the term shown to the operator.
const SIGNALS: [(&str, &str); 10] = [
    ("khieu nai", "khiếu nại"),
    ("khieu kien", "khiếu kiện"),
    ("to cao", "tố cáo"),
    ("to giac", "tố giác"),
    ("don thu", "đơn thư"),
    ("quyet dinh hanh chinh", "quyết định hành chính"),
    ("hanh vi hanh chinh", "hành vi hành chính"),
    ("tham nhung", "tham nhũng"),
    ("nhung nhieu", "nhũng nhiễu"),
    ("hoi lo", "hối lộ"),
];

/// The terms of a report's title and content that suggest a complaint or a denunciation, in
/// the order of the list; empty when none does. Whole words only (`to cao` is not found in
/// `to caot`).
pub fn complaint_signals(title: &str, content: &str) -> Vec<&'static str> {
    let text = format!(" {} {} ", fold(title), fold(content));
    // Punctuation ends a phrase: "to, cao" is not "to cao".
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                c.to_string()
            } else {
                " | ".to_string()
            }
        })
        .collect();
    let text = format!(
        " {} ",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    SIGNALS
        .iter()
        .filter(|(folded, _)| text.contains(&format!(" {folded} ")))
        .map(|(_, shown)| *shown)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_complaints_and_denunciations() {
        assert_eq!(
            complaint_signals(
                "Khiếu nại quyết định thu hồi đất",
                "Tôi KHIẾU NẠI Quyết định hành chính số 12 của UBND xã."
            ),
            vec!["khiếu nại", "quyết định hành chính"]
        );
        assert_eq!(
            complaint_signals("Tố cáo cán bộ", "Cán bộ địa chính nhũng nhiễu, đòi tiền."),
            vec!["tố cáo", "nhũng nhiễu"]
        );
        assert!(
            complaint_signals(
                "Ổ gà lớn trên đường Trần Hưng Đạo",
                "Ổ gà sâu khoảng 20 cm, rất nguy hiểm vào ban đêm; to, cao hơn mặt đường."
            )
            .is_empty()
        );
    }
}
