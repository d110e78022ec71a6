//! The wording of every message: built in, replaced by an admin's (`message_templates`), with
//! the variables each kind may use checked when an admin saves it.
//!
//! A template names variables as `{name}`. No kind offers a variable with the reporter's
//! identity (name, identity number, phone, e-mail, address): a message carries the tracking
//! code, the state and the answer, never more personal data than its purpose needs.

use std::collections::BTreeMap;

use crate::db::models::TemplateRow;

/// Who a kind of message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Reporter,
    Staff,
}

/// A built-in template: the kind, its audience, the variables it may use, the wording.
pub struct Builtin {
    pub kind: &'static str,
    pub audience: Audience,
    pub vars: &'static [&'static str],
    /// Variables that the short text (SMS, push) must not use.
    pub not_in_short: &'static [&'static str],
    pub subject: &'static str,
    pub body: &'static str,
    pub short: &'static str,
    pub subject_en: &'static str,
    pub body_en: &'static str,
    pub short_en: &'static str,
}

/// Every kind of message, with its built-in wording.
pub static BUILTIN: &[Builtin] = &[
    Builtin {
        kind: "received",
        audience: Audience::Reporter,
        vars: &["code", "link", "token"],
        not_in_short: &[],
        subject: "Đã tiếp nhận phản ánh {code}",
        body: "Hệ thống thông tin phản ánh hiện trường đã nhận được phản ánh của Ông/Bà.\nMã số theo dõi: {code}.\nMã bảo mật: {token} (dùng cùng mã số để theo dõi, bổ sung, phản hồi và đánh giá mà không cần tài khoản; không chia sẻ mã này).\nTrung tâm IOC sẽ xác minh và chuyển cơ quan xử lý theo quy định. Theo dõi tại: {link}",
        short: "PAHT: đã nhận phản ánh, mã số {code}, mã bảo mật {token}. Theo dõi: {link}",
        subject_en: "Report {code} received",
        body_en: "The field-report system received your report.\nTracking code: {code}.\nFollow-up token: {token} (with the code it lets you follow, supplement, reply to and rate the report without an account; do not share it).\nThe IOC will verify it and pass it to the agency in charge. Follow it at: {link}",
        short_en: "Report received, tracking code {code}, follow-up token {token}. Follow it: {link}",
    },
    Builtin {
        kind: "follow_up_token",
        audience: Audience::Reporter,
        vars: &["code", "link", "token"],
        not_in_short: &[],
        subject: "Mã bảo mật mới của phản ánh {code}",
        body: "Trung tâm IOC đã cấp mã bảo mật mới cho phản ánh {code}: {token}.\nMã cũ không còn dùng được. Theo dõi tại: {link}",
        short: "PAHT: mã bảo mật mới của phản ánh {code}: {token}. Mã cũ hết hiệu lực.",
        subject_en: "A new follow-up token for report {code}",
        body_en: "The IOC issued a new follow-up token for report {code}: {token}.\nThe old one no longer works. Follow it at: {link}",
        short_en: "New follow-up token for report {code}: {token}. The old one no longer works.",
    },
    Builtin {
        kind: "mail_refused",
        audience: Audience::Reporter,
        vars: &["subject", "reason"],
        not_in_short: &[],
        subject: "Không tiếp nhận thư: {subject}",
        body: "Trung tâm IOC không tiếp nhận thư \"{subject}\" của Ông/Bà là phản ánh hiện trường.\nLý do: {reason}\nÔng/Bà có thể gửi lại phản ánh đủ thông tin theo quy định (họ tên, địa chỉ liên hệ, số căn cước, số điện thoại; nội dung, thời gian, địa điểm cụ thể).",
        short: "PAHT: không tiếp nhận thư {subject}. Lý do: {reason}",
        subject_en: "Message not accepted: {subject}",
        body_en: "The IOC did not accept your message \"{subject}\" as a field report.\nReason: {reason}\nYou may send the report again with what the rules require (full name, contact address, citizen ID, phone number; what, when and exactly where).",
        short_en: "PAHT: message {subject} not accepted. Reason: {reason}",
    },
    Builtin {
        kind: "info_requested",
        audience: Audience::Reporter,
        vars: &["code", "link", "note"],
        not_in_short: &[],
        subject: "Phản ánh {code} cần bổ sung thông tin",
        body: "Để tiếp nhận phản ánh {code}, đề nghị Ông/Bà bổ sung:\n{note}\nBổ sung tại: {link}",
        short: "PAHT: phản ánh {code} cần bổ sung: {note}. {link}",
        subject_en: "Report {code} needs more information",
        body_en: "To accept report {code}, please add:\n{note}\nAdd it at: {link}",
        short_en: "Report {code} needs more information: {note}. {link}",
    },
    Builtin {
        kind: "rejected",
        audience: Audience::Reporter,
        vars: &["code", "link", "reason"],
        not_in_short: &[],
        subject: "Phản ánh {code} không được tiếp nhận",
        body: "Phản ánh {code} không được tiếp nhận xử lý.\nLý do: {reason}",
        short: "PAHT: phản ánh {code} không được tiếp nhận. Lý do: {reason}",
        subject_en: "Report {code} was not accepted",
        body_en: "Report {code} was not accepted.\nReason: {reason}",
        short_en: "Report {code} was not accepted. Reason: {reason}",
    },
    Builtin {
        kind: "forwarded",
        audience: Audience::Reporter,
        vars: &["code", "link", "reason"],
        not_in_short: &[],
        subject: "Phản ánh {code} đã được chuyển cơ quan chức năng theo dõi",
        body: "Phản ánh {code} đã được Trung tâm IOC chuyển đến cơ quan chức năng để theo dõi, xem xét.\n{reason}",
        short: "PAHT: phản ánh {code} đã chuyển cơ quan chức năng theo dõi. {link}",
        subject_en: "Report {code} was forwarded for follow-up",
        body_en: "The IOC forwarded report {code} to the competent authorities for follow-up.\n{reason}",
        short_en: "Report {code} was forwarded for follow-up. {link}",
    },
    Builtin {
        kind: "extension_confirmed",
        audience: Audience::Reporter,
        vars: &["code", "link", "deadline"],
        not_in_short: &[],
        subject: "Phản ánh {code} được gia hạn xử lý",
        body: "Cơ quan xử lý phản ánh {code} đã gia hạn thời gian xử lý. Thời hạn mới: {deadline}.",
        short: "PAHT: phản ánh {code} được gia hạn xử lý đến {deadline}.",
        subject_en: "Report {code}: the deadline was extended",
        body_en: "The agency handling report {code} extended its deadline. New deadline: {deadline}.",
        short_en: "Report {code}: deadline extended to {deadline}.",
    },
    Builtin {
        kind: "duplicate_linked",
        audience: Audience::Reporter,
        vars: &["code", "link", "parent"],
        not_in_short: &[],
        subject: "Phản ánh {code} được gộp vào phản ánh {parent}",
        body: "Phản ánh {code} của Ông/Bà trùng nội dung với phản ánh {parent} đang được xử lý, nên Trung tâm IOC đã gộp vào phản ánh đó.\nÔng/Bà sẽ nhận các thông báo và kết quả xử lý của phản ánh {parent}. Theo dõi tại: {link}",
        short: "PAHT: phản ánh {code} trùng với phản ánh {parent} đang xử lý; Ông/Bà sẽ nhận kết quả của phản ánh đó.",
        subject_en: "Report {code} was merged into report {parent}",
        body_en: "Your report {code} is about the same thing as report {parent}, which is being handled, so the IOC merged it into that one.\nYou will receive the messages and the result of report {parent}. Follow it at: {link}",
        short_en: "Report {code} duplicates report {parent}, being handled; you will receive its result.",
    },
    Builtin {
        kind: "result_published",
        audience: Audience::Reporter,
        vars: &["code", "link", "agency", "answer"],
        not_in_short: &[],
        subject: "Kết quả xử lý phản ánh {code}",
        body: "Phản ánh {code} đã có kết quả xử lý của {agency}:\n\n{answer}\n\nXem và phản hồi, đánh giá tại: {link}",
        short: "PAHT: phản ánh {code} đã có kết quả xử lý. Xem tại {link}",
        subject_en: "Result of report {code}",
        body_en: "{agency} answered report {code}:\n\n{answer}\n\nRead it, reply and rate it at: {link}",
        short_en: "Report {code} has a result. Read it at {link}",
    },
    Builtin {
        kind: "result_confidential",
        audience: Audience::Reporter,
        vars: &["code", "link", "agency", "answer"],
        not_in_short: &["answer"],
        subject: "Kết quả xử lý phản ánh {code} (gửi riêng Ông/Bà)",
        body: "Theo yêu cầu giữ bí mật của Ông/Bà, kết quả xử lý phản ánh {code} chỉ gửi đến Ông/Bà và không công bố.\n{agency} trả lời:\n\n{answer}",
        short: "PAHT: phản ánh {code} đã có kết quả, gửi riêng Ông/Bà. Xem tại {link}",
        subject_en: "Result of report {code} (for you alone)",
        body_en: "As you asked for confidentiality, the result of report {code} goes to you alone and is not published.\n{agency} answered:\n\n{answer}",
        short_en: "Report {code} has a result, sent to you alone. Read it at {link}",
    },
    Builtin {
        kind: "feedback_clarified",
        audience: Audience::Reporter,
        vars: &["code", "link", "answer"],
        not_in_short: &[],
        subject: "Làm rõ phản hồi về phản ánh {code}",
        body: "Cơ quan xử lý đã làm rõ phản hồi của Ông/Bà về phản ánh {code}:\n\n{answer}",
        short: "PAHT: cơ quan xử lý đã làm rõ phản hồi về phản ánh {code}. Xem tại {link}",
        subject_en: "Your feedback on report {code} was clarified",
        body_en: "The agency clarified your feedback on report {code}:\n\n{answer}",
        short_en: "Your feedback on report {code} was clarified. Read it at {link}",
    },
    Builtin {
        kind: "assignment_new",
        audience: Audience::Staff,
        vars: &["code", "link", "title", "agency", "deadline"],
        not_in_short: &[],
        subject: "Phản ánh mới cần xử lý: {code}",
        body: "{agency} được giao xử lý phản ánh {code} \"{title}\". Hạn: {deadline}.\n{link}",
        short: "Phản ánh mới {code} giao {agency}, hạn {deadline}.",
        subject_en: "New report to handle: {code}",
        body_en: "{agency} was assigned report {code} \"{title}\". Due: {deadline}.\n{link}",
        short_en: "New report {code} for {agency}, due {deadline}.",
    },
    Builtin {
        kind: "coordination_new",
        audience: Audience::Staff,
        vars: &["code", "link", "title", "agency", "deadline"],
        not_in_short: &[],
        subject: "Đề nghị phối hợp xử lý phản ánh {code}",
        body: "{agency} được đề nghị phối hợp xử lý phản ánh {code} \"{title}\". Hạn gửi kết quả cho đơn vị chủ trì: {deadline}.\n{link}",
        short: "Đề nghị phối hợp phản ánh {code}, hạn {deadline}.",
        subject_en: "Coordination asked on report {code}",
        body_en: "{agency} is asked to coordinate on report {code} \"{title}\". Answer the lead by {deadline}.\n{link}",
        short_en: "Coordination asked on report {code}, due {deadline}.",
    },
    Builtin {
        kind: "coordinator_answered",
        audience: Audience::Staff,
        vars: &["code", "link", "agency"],
        not_in_short: &[],
        subject: "Đơn vị phối hợp đã trả lời phản ánh {code}",
        body: "{agency} đã gửi kết quả phối hợp xử lý phản ánh {code}.\n{link}",
        short: "{agency} đã trả lời phối hợp phản ánh {code}.",
        subject_en: "A coordinator answered on report {code}",
        body_en: "{agency} sent its answer on report {code}.\n{link}",
        short_en: "{agency} answered on report {code}.",
    },
    Builtin {
        kind: "coordinator_returned",
        audience: Audience::Staff,
        vars: &["code", "link", "agency", "reason"],
        not_in_short: &[],
        subject: "Đơn vị phối hợp trả lại phản ánh {code}",
        body: "{agency} trả lại đề nghị phối hợp xử lý phản ánh {code}.\nLý do: {reason}\n{link}",
        short: "{agency} trả lại phối hợp phản ánh {code}.",
        subject_en: "A coordinator returned report {code}",
        body_en: "{agency} returned the coordination on report {code}.\nReason: {reason}\n{link}",
        short_en: "{agency} returned report {code}.",
    },
    Builtin {
        kind: "result_awaiting_approval",
        audience: Audience::Staff,
        vars: &["code", "link", "agency"],
        not_in_short: &[],
        subject: "Kết quả xử lý phản ánh {code} chờ phê duyệt",
        body: "Kết quả xử lý phản ánh {code} của {agency} đang chờ lãnh đạo phê duyệt (tối đa 01 ngày làm việc).\n{link}",
        short: "Kết quả phản ánh {code} chờ phê duyệt.",
        subject_en: "Result of report {code} awaits approval",
        body_en: "The result of report {code} by {agency} awaits the leader's approval (within 1 working day).\n{link}",
        short_en: "Result of report {code} awaits approval.",
    },
    Builtin {
        kind: "result_sent_back",
        audience: Audience::Staff,
        vars: &["code", "link", "note"],
        not_in_short: &[],
        subject: "Kết quả xử lý phản ánh {code} được trả lại",
        body: "Kết quả xử lý phản ánh {code} được trả lại để hoàn thiện.\nÝ kiến: {note}\n{link}",
        short: "Kết quả phản ánh {code} được trả lại.",
        subject_en: "Result of report {code} sent back",
        body_en: "The result of report {code} was sent back for rework.\nNote: {note}\n{link}",
        short_en: "Result of report {code} sent back.",
    },
    Builtin {
        kind: "returned_to_ioc",
        audience: Audience::Staff,
        vars: &["code", "link", "agency", "reason"],
        not_in_short: &[],
        subject: "Phản ánh {code} được trả lại Trung tâm IOC",
        body: "{agency} trả lại phản ánh {code} cho Trung tâm IOC.\nLý do: {reason}\n{link}",
        short: "{agency} trả lại phản ánh {code}.",
        subject_en: "Report {code} returned to the IOC",
        body_en: "{agency} returned report {code} to the IOC.\nReason: {reason}\n{link}",
        short_en: "{agency} returned report {code}.",
    },
    Builtin {
        kind: "extension_requested",
        audience: Audience::Staff,
        vars: &["code", "link", "agency", "deadline"],
        not_in_short: &[],
        subject: "Đề nghị gia hạn xử lý phản ánh {code}",
        body: "{agency} đề nghị gia hạn xử lý phản ánh {code} đến {deadline}.\n{link}",
        short: "{agency} đề nghị gia hạn phản ánh {code}.",
        subject_en: "Extension asked on report {code}",
        body_en: "{agency} asks to extend report {code} to {deadline}.\n{link}",
        short_en: "{agency} asks to extend report {code}.",
    },
    Builtin {
        kind: "feedback_new",
        audience: Audience::Staff,
        vars: &["code", "link", "agency"],
        not_in_short: &[],
        subject: "Phản hồi mới về kết quả xử lý phản ánh {code}",
        body: "Người phản ánh đã phản hồi về kết quả xử lý phản ánh {code}. {agency} làm rõ trong 02 ngày làm việc.\n{link}",
        short: "Phản hồi mới về phản ánh {code}.",
        subject_en: "New feedback on report {code}",
        body_en: "The reporter replied to the result of report {code}. {agency} clarifies it within 2 working days.\n{link}",
        short_en: "New feedback on report {code}.",
    },
    Builtin {
        kind: "reminder",
        audience: Audience::Staff,
        vars: &["code", "link", "agency", "step", "deadline"],
        not_in_short: &[],
        subject: "Nhắc việc: phản ánh {code} sắp đến hạn",
        body: "Bước \"{step}\" của {agency} đối với phản ánh {code} đã dùng phần lớn thời gian cho phép. Hạn: {deadline}.\n{link}",
        short: "Nhắc việc: phản ánh {code}, hạn {deadline}.",
        subject_en: "Reminder: report {code} is due soon",
        body_en: "Step \"{step}\" of {agency} on report {code} has used most of its time. Due: {deadline}.\n{link}",
        short_en: "Reminder: report {code}, due {deadline}.",
    },
    Builtin {
        kind: "deadline_soon",
        audience: Audience::Staff,
        vars: &["code", "link", "agency", "step", "deadline"],
        not_in_short: &[],
        subject: "Phản ánh {code} sắp trễ hạn",
        body: "Bước \"{step}\" của {agency} đối với phản ánh {code} đến hạn lúc {deadline}.\n{link}",
        short: "Phản ánh {code} đến hạn lúc {deadline}.",
        subject_en: "Report {code} is about to be late",
        body_en: "Step \"{step}\" of {agency} on report {code} is due at {deadline}.\n{link}",
        short_en: "Report {code} is due at {deadline}.",
    },
    Builtin {
        kind: "overdue",
        audience: Audience::Staff,
        vars: &["code", "link", "agency", "step", "deadline"],
        not_in_short: &[],
        subject: "Phản ánh {code} trễ hạn",
        body: "Phản ánh {code} đã trễ hạn bước \"{step}\" của {agency} (hạn {deadline}).\n{link}",
        short: "Phản ánh {code} trễ hạn ({agency}).",
        subject_en: "Report {code} is overdue",
        body_en: "Report {code} is overdue at step \"{step}\" of {agency} (due {deadline}).\n{link}",
        short_en: "Report {code} is overdue ({agency}).",
    },
];

pub fn builtin(kind: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.kind == kind)
}

/// The six texts of a kind, in force now.
#[derive(Debug, Clone)]
pub struct Wording {
    pub subject: String,
    pub body: String,
    pub short: String,
    pub subject_en: String,
    pub body_en: String,
    pub short_en: String,
}

impl Wording {
    pub fn of(b: &Builtin, saved: Option<TemplateRow>) -> Self {
        match saved {
            Some(t) => Self {
                subject: t.subject,
                body: t.body,
                short: t.short,
                subject_en: t.subject_en,
                body_en: t.body_en,
                short_en: t.short_en,
            },
            None => Self {
                subject: b.subject.into(),
                body: b.body.into(),
                short: b.short.into(),
                subject_en: b.subject_en.into(),
                body_en: b.body_en.into(),
                short_en: b.short_en.into(),
            },
        }
    }

    /// The texts with names, in the order an admin edits them.
    pub fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("subject", &self.subject),
            ("body", &self.body),
            ("short", &self.short),
            ("subject_en", &self.subject_en),
            ("body_en", &self.body_en),
            ("short_en", &self.short_en),
        ]
    }
}

/// The variables a template uses, or where its braces do not close.
pub fn placeholders(t: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("'}' without '{'".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("'{' without '}'")?;
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!("'{{{name}}}' is not a variable name"));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// Problems of a wording for a kind: field → message (English; the caller words the problem).
pub fn check(b: &Builtin, w: &Wording) -> BTreeMap<&'static str, String> {
    let mut errs = BTreeMap::new();
    for (field, text) in w.fields() {
        let short = field.starts_with("short");
        let limit = if short { 480 } else { 4000 };
        if text.trim().is_empty() {
            errs.insert(field, "must not be empty".into());
            continue;
        }
        if text.chars().count() > limit {
            errs.insert(field, format!("at most {limit} characters"));
            continue;
        }
        match placeholders(text) {
            Err(e) => {
                errs.insert(field, e);
            }
            Ok(names) => {
                if let Some(n) = names.iter().find(|n| !b.vars.contains(n)) {
                    errs.insert(
                        field,
                        format!("unknown variable {{{n}}}; allowed: {}", b.vars.join(", ")),
                    );
                } else if short && let Some(n) = names.iter().find(|n| b.not_in_short.contains(n)) {
                    errs.insert(field, format!("{{{n}}} may not appear in a short message"));
                }
            }
        }
    }
    errs
}

/// Fills a template's variables (a variable with no value becomes empty).
pub fn render(t: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(t.len() + 64);
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if let Some((_, v)) = vars.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_passes_its_own_check() {
        for b in BUILTIN {
            let errs = check(b, &Wording::of(b, None));
            assert!(errs.is_empty(), "{}: {errs:?}", b.kind);
        }
    }

    #[test]
    fn unknown_and_forbidden_variables_are_refused() {
        let b = builtin("result_confidential").unwrap();
        let mut w = Wording::of(b, None);
        w.body = "Kính gửi {full_name}".into();
        w.short = "Trả lời: {answer}".into();
        w.subject = "Mở {code".into();
        let errs = check(b, &w);
        assert!(errs["body"].contains("unknown variable"), "{errs:?}");
        assert!(errs["short"].contains("short message"), "{errs:?}");
        assert!(errs["subject"].contains("without"), "{errs:?}");
    }

    #[test]
    fn render_fills_known_variables() {
        let s = render(
            "Mã {code}, hạn {deadline}.",
            &[("code", "PA-1".into()), ("deadline", "ngày 5".into())],
        );
        assert_eq!(s, "Mã PA-1, hạn ngày 5.");
    }
}
