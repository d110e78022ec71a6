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

/// The content types taken, with the kinds they may be: what phones produce (JPEG, HEIC, MP4,
/// MOV, 3GP, M4A, AMR) and the usual formats of the web and of the hotline's recorder.
pub const CONTENT_TYPES: &[(&str, &[AttachmentKind])] = &[
    ("image/jpeg", &[AttachmentKind::Image]),
    ("image/png", &[AttachmentKind::Image]),
    ("image/webp", &[AttachmentKind::Image]),
    ("image/heif", &[AttachmentKind::Image]),
    ("video/mp4", &[AttachmentKind::Video]),
    ("video/quicktime", &[AttachmentKind::Video]),
    (
        "video/3gpp",
        &[AttachmentKind::Video, AttachmentKind::Audio],
    ),
    (
        "audio/mpeg",
        &[AttachmentKind::Audio, AttachmentKind::CallRecording],
    ),
    (
        "audio/wav",
        &[AttachmentKind::Audio, AttachmentKind::CallRecording],
    ),
    (
        "audio/mp4",
        &[AttachmentKind::Audio, AttachmentKind::CallRecording],
    ),
    (
        "audio/amr",
        &[AttachmentKind::Audio, AttachmentKind::CallRecording],
    ),
    ("application/pdf", &[AttachmentKind::Document]),
];

/// The one name each accepted type is stored under, from the names clients and file-type
/// detectors use for it.
pub fn canonical_type(content_type: &str) -> Option<&'static str> {
    let t = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Some(match t.as_str() {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/webp" => "image/webp",
        "image/heif" | "image/heic" | "image/heif-sequence" | "image/heic-sequence" => "image/heif",
        "video/mp4" | "video/x-m4v" => "video/mp4",
        "video/quicktime" => "video/quicktime",
        "video/3gpp" | "video/3gpp2" | "audio/3gpp" | "audio/3gpp2" => "video/3gpp",
        "audio/mpeg" | "audio/mp3" => "audio/mpeg",
        "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => "audio/wav",
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" | "audio/aac-mp4" => "audio/mp4",
        "audio/amr" | "audio/amr-wb" => "audio/amr",
        "application/pdf" => "application/pdf",
        _ => return None,
    })
}

/// 3GPP files (phones' video and voice recordings): an ISO media file of brand `3gp…`/`3g2…`.
fn is_3gpp(b: &[u8]) -> bool {
    b.len() >= 12 && &b[4..8] == b"ftyp" && (&b[8..11] == b"3gp" || &b[8..11] == b"3g2")
}

/// The type the bytes carry, as [`canonical_type`] names it, if it is one that is taken.
pub fn detect(b: &[u8]) -> Option<&'static str> {
    let mut infer = infer::Infer::new();
    infer.add("video/3gpp", "3gp", is_3gpp);
    infer.get(b).and_then(|t| canonical_type(t.mime_type()))
}

/// At most this many attachments per report.
pub const MAX_PER_REPORT: usize = 10;

/// The type of a file sent as `application/octet-stream` (a client that cannot name it): the
/// type its bytes carry, when that type is taken for the kind.
pub fn sniff(kind: AttachmentKind, b: &[u8]) -> Option<&'static str> {
    detect(b).filter(|t| {
        CONTENT_TYPES
            .iter()
            .any(|(c, kinds)| c == t && kinds.contains(&kind))
    })
}

/// Whether the bytes are what the content type says they are.
pub fn bytes_match(content_type: &str, b: &[u8]) -> bool {
    match (canonical_type(content_type), detect(b)) {
        (Some(declared), Some(found)) => declared == found,
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

    /// What phones produce is recognised by its bytes, and refused under another type.
    #[test]
    fn phone_formats() {
        let ftyp = |brand: &[u8; 4]| {
            let mut v = vec![0, 0, 0, 0x18];
            v.extend_from_slice(b"ftyp");
            v.extend_from_slice(brand);
            v.extend_from_slice(&[0, 0, 0, 0]);
            v.extend_from_slice(brand);
            v.extend_from_slice(b"mif1isom");
            v
        };
        assert_eq!(detect(&ftyp(b"heic")), Some("image/heif"));
        assert_eq!(detect(&ftyp(b"qt  ")), Some("video/quicktime"));
        assert_eq!(detect(&ftyp(b"3gp4")), Some("video/3gpp"));
        assert_eq!(detect(&ftyp(b"M4A ")), Some("audio/mp4"));
        assert_eq!(detect(&ftyp(b"isom")), Some("video/mp4"));
        assert_eq!(
            detect(b"#!AMR\n\x3c\x00\x00\x00\x00\x00\x00\x00"),
            Some("audio/amr")
        );
        assert!(bytes_match("image/heic", &ftyp(b"heic")));
        assert!(bytes_match("audio/x-m4a", &ftyp(b"M4A ")));
        assert!(!bytes_match("image/jpeg", &ftyp(b"heic")));
        assert!(!bytes_match("video/mp4", b"%PDF-1.7\n"));
        assert_eq!(
            sniff(AttachmentKind::Image, &ftyp(b"heic")),
            Some("image/heif")
        );
        assert_eq!(sniff(AttachmentKind::Document, &ftyp(b"heic")), None);
    }

    #[test]
    fn file_names() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\ảnh\\ổ gà.jpg"), "ổ gà.jpg");
        assert_eq!(safe_file_name("a\"b;c.png"), "abc.png");
        assert_eq!(safe_file_name(".."), "tep-dinh-kem");
    }
}
