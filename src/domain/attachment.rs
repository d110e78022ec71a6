//! Attachments of a report (Art. 4.3, 7.2): which kinds are taken, and a check that the bytes
//! are what their declared type says (a file is never trusted by its name).

use crate::domain::directory::string_enum;

string_enum! {
    /// What an attachment is.
    AttachmentKind {
        /// A photo of the place.
        Image = "image",
        /// A video.
        Video = "video",
        /// A voice recording.
        Audio = "audio",
        /// The 1022 hotline's recording of the call (Art. 7.2).
        CallRecording = "call_recording",
        /// A document (PDF).
        Document = "document",
    }
}

/// The content types taken, with the kinds they may be.
pub const CONTENT_TYPES: &[(&str, &[AttachmentKind])] = &[
    ("image/jpeg", &[AttachmentKind::Image]),
    ("image/png", &[AttachmentKind::Image]),
    ("image/webp", &[AttachmentKind::Image]),
    ("video/mp4", &[AttachmentKind::Video]),
    (
        "audio/mpeg",
        &[AttachmentKind::Audio, AttachmentKind::CallRecording],
    ),
    (
        "audio/wav",
        &[AttachmentKind::Audio, AttachmentKind::CallRecording],
    ),
    ("application/pdf", &[AttachmentKind::Document]),
];

/// At most this many attachments per report.
pub const MAX_PER_REPORT: usize = 10;

/// The type of a file sent as `application/octet-stream` (a client that cannot name it): the
/// first accepted type whose signature the bytes carry and that fits the kind.
pub fn sniff(kind: AttachmentKind, b: &[u8]) -> Option<&'static str> {
    CONTENT_TYPES
        .iter()
        .find(|(t, kinds)| kinds.contains(&kind) && bytes_match(t, b))
        .map(|(t, _)| *t)
}

/// Whether the bytes start as the content type says they do.
pub fn bytes_match(content_type: &str, b: &[u8]) -> bool {
    match content_type {
        "image/jpeg" => b.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/webp" => b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP",
        "video/mp4" => b.len() >= 8 && &b[4..8] == b"ftyp",
        "audio/mpeg" => {
            b.starts_with(b"ID3") || (b.len() >= 2 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0)
        }
        "audio/wav" => b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WAVE",
        "application/pdf" => b.starts_with(b"%PDF-"),
        _ => false,
    }
}

/// A file name safe to store and to send back in `Content-Disposition`: no path, no control or
/// quote characters, at most 120 characters.
pub fn safe_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ';'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "tep-dinh-kem".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert!(bytes_match("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]));
        assert!(!bytes_match("image/jpeg", b"%PDF-1.7"));
        assert!(bytes_match("application/pdf", b"%PDF-1.7\n"));
        assert!(bytes_match(
            "image/png",
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]
        ));
        assert!(bytes_match("audio/wav", b"RIFF\0\0\0\0WAVEfmt "));
        assert!(!bytes_match("text/html", b"<html>"));
    }

    #[test]
    fn file_names() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\ảnh\\ổ gà.jpg"), "ổ gà.jpg");
        assert_eq!(safe_file_name("a\"b;c.png"), "abc.png");
        assert_eq!(safe_file_name(".."), "tep-dinh-kem");
    }
}
