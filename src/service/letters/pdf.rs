//! The Annex I letter as a PDF, laid out after Decree 30/2020 (administrative documents): A4,
//! margins 20 mm top and bottom, 30 mm left, 15 mm right; a Times-metric face (Liberation Serif,
//! shipped in `assets/fonts` with its licence, embedded as a subset); the issuing agency above
//! its number on the left, the state heading and the place and date on the right, the addressee,
//! the answer, "Nơi nhận" and the signer.

use std::sync::LazyLock;

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use unicode_normalization::UnicodeNormalization;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Italic.ttf");

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const LEFT: f32 = 30.0 * MM;
const RIGHT: f32 = PAGE_W - 15.0 * MM;
const TOP: f32 = 20.0 * MM;
const BOTTOM: f32 = PAGE_H - 20.0 * MM;
/// The heading's columns: the agency's on the left, the state's on the right.
const SPLIT: f32 = LEFT + 0.40 * (RIGHT - LEFT);

#[derive(Clone, Copy, PartialEq)]
pub enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Italic => ITALIC,
        }
    }

    fn font(self) -> Font {
        static FONTS: LazyLock<[Font; 3]> = LazyLock::new(|| {
            [REGULAR, BOLD, ITALIC].map(|b| Font::new(b.into(), 0).expect("the shipped font loads"))
        });
        FONTS[self as usize].clone()
    }

    /// The width of a text at a size, in points.
    fn width(self, text: &str, size: f32) -> f32 {
        static FACES: LazyLock<[ttf_parser::Face<'static>; 3]> = LazyLock::new(|| {
            [Face::Regular, Face::Bold, Face::Italic]
                .map(|f| ttf_parser::Face::parse(f.bytes(), 0).expect("the shipped font parses"))
        });
        let face = &FACES[self as usize];
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(face.units_per_em())
    }
}

/// The words of a letter.
pub struct Letter<'a> {
    pub parent_name: Option<&'a str>,
    pub agency_name: &'a str,
    pub symbol: &'a str,
    pub subject: &'a str,
    pub place_date: &'a str,
    pub addressee: &'a str,
    pub answer: &'a str,
    pub recipients: &'a [&'a str],
    pub signer_title: &'a str,
    pub signer_name: &'a str,
    pub title: &'a str,
}

/// A line of text placed on a page.
struct Line {
    page: usize,
    x: f32,
    y: f32,
    face: Face,
    size: f32,
    text: String,
}

#[derive(Default)]
struct Layout {
    lines: Vec<Line>,
    page: usize,
}

impl Layout {
    fn put(&mut self, x: f32, y: f32, face: Face, size: f32, text: &str) {
        self.lines.push(Line {
            page: self.page,
            x,
            y,
            face,
            size,
            text: text.to_string(),
        });
    }

    /// A line centred between two x positions.
    fn centre(&mut self, from: f32, to: f32, y: f32, face: Face, size: f32, text: &str) {
        let w = face.width(text, size);
        self.put(from + ((to - from) - w).max(0.0) / 2.0, y, face, size, text);
    }

    /// Lines of a paragraph wrapped to a width, each centred (`centred`) or from the left with a
    /// first-line indent; returns the y below the last one. Starts a new page when full.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(
        &mut self,
        from: f32,
        to: f32,
        mut y: f32,
        face: Face,
        size: f32,
        text: &str,
        indent: f32,
        centred: bool,
    ) -> f32 {
        let lead = size * 1.3;
        let mut first = true;
        for line in wrap(text, face, size, to - from, indent) {
            if y > BOTTOM {
                self.page += 1;
                y = TOP + lead;
            }
            if centred {
                self.centre(from, to, y, face, size, &line);
            } else {
                let x = if first { from + indent } else { from };
                self.put(x, y, face, size, &line);
            }
            first = false;
            y += lead;
        }
        y
    }
}

/// Breaks a text into lines no wider than `width` (the first `indent` narrower) at spaces.
fn wrap(text: &str, face: Face, size: f32, width: f32, indent: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let room = if lines.is_empty() {
            width - indent
        } else {
            width
        };
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && face.width(&candidate, size) > room {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Upper case, as the heading and the signer's title are written.
fn upper(s: &str) -> String {
    s.to_uppercase()
}

/// The PDF of a letter.
pub fn render(l: &Letter) -> Result<Vec<u8>, String> {
    let nfc = |s: &str| s.nfc().collect::<String>();
    let mut lay = Layout::default();
    // Heading, left: the supervising body (regular), the agency (bold), a short rule.
    let mut yl = TOP + 12.0;
    if let Some(p) = l.parent_name {
        yl = lay.paragraph(
            LEFT,
            SPLIT,
            yl,
            Face::Regular,
            12.0,
            &upper(&nfc(p)),
            0.0,
            true,
        );
    }
    yl = lay.paragraph(
        LEFT,
        SPLIT,
        yl,
        Face::Bold,
        12.0,
        &upper(&nfc(l.agency_name)),
        0.0,
        true,
    );
    // Heading, right: the state's name and motto.
    let mut yr = TOP + 12.0;
    lay.centre(
        SPLIT,
        RIGHT,
        yr,
        Face::Bold,
        12.0,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    );
    yr += 16.0;
    lay.centre(
        SPLIT,
        RIGHT,
        yr,
        Face::Bold,
        13.0,
        "Độc lập - Tự do - Hạnh phúc",
    );
    yr += 24.0;
    let mut y = yl.max(yr) + 6.0;
    lay.centre(
        LEFT,
        SPLIT,
        y,
        Face::Regular,
        13.0,
        &nfc(&format!("Số: {}", l.symbol)),
    );
    lay.centre(SPLIT, RIGHT, y, Face::Italic, 13.0, &nfc(l.place_date));
    y += 16.0;
    y = lay.paragraph(
        LEFT,
        SPLIT,
        y,
        Face::Regular,
        12.0,
        &nfc(l.subject),
        0.0,
        true,
    );
    y += 18.0;
    y = lay.paragraph(
        LEFT,
        RIGHT,
        y,
        Face::Regular,
        14.0,
        &nfc(&format!("Kính gửi: {}", l.addressee)),
        0.0,
        true,
    );
    y += 10.0;
    for para in l.answer.lines().filter(|p| !p.trim().is_empty()) {
        y = lay.paragraph(
            LEFT,
            RIGHT,
            y,
            Face::Regular,
            14.0,
            &nfc(para),
            10.0 * MM,
            false,
        );
        y += 4.0;
    }
    // Where it goes (left) and who signs (right); on a new page if they do not fit.
    y += 14.0;
    if y + 130.0 > BOTTOM {
        lay.page += 1;
        y = TOP + 14.0;
    }
    lay.put(LEFT, y, Face::Bold, 12.0, "Nơi nhận:");
    let mut yn = y + 14.0;
    for r in l.recipients {
        lay.put(LEFT, yn, Face::Regular, 11.0, &nfc(r));
        yn += 13.0;
    }
    let mid = SPLIT + 20.0;
    let mut ys = lay.paragraph(
        mid,
        RIGHT,
        y,
        Face::Bold,
        13.0,
        &upper(&nfc(l.signer_title)),
        0.0,
        true,
    );
    ys += 60.0;
    lay.centre(mid, RIGHT, ys, Face::Bold, 14.0, &nfc(l.signer_name));

    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(nfc(l.title))
            .creator("PAHT".to_string())
            .language("vi".to_string()),
    );
    let pages = lay.page + 1;
    for p in 0..pages {
        let mut page = doc.start_page_with(
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("the page size is valid")?,
        );
        let mut surface = page.surface();
        for line in lay.lines.iter().filter(|x| x.page == p) {
            surface.draw_text(
                Point::from_xy(line.x, line.y),
                line.face.font(),
                line.size,
                &line.text,
                false,
                TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_within_the_width() {
        let text = "Sở Giao thông vận tải đã chỉ đạo đơn vị bảo trì vá ổ gà trong ngày.";
        let lines = wrap(text, Face::Regular, 14.0, 200.0, 0.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(Face::Regular.width(l, 14.0) <= 200.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }
}
