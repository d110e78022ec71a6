//! An official list of commune-level units (a CSV such as the one of Công văn 1027/CTK-CSCL for
//! the units in force since 1/7/2025, Resolution 1668/NQ-UBTVQH15): what each row says, checked
//! before anything is written.

use crate::domain::text;

/// One unit of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedUnit {
    /// The official 5-digit code.
    pub code: String,
    /// The official name with its type ("Phường Ninh Kiều"), in NFC.
    pub name: String,
    /// The former units it was formed from.
    pub formed_from: Vec<FormerUnit>,
    /// The former province they lay in (the list's `former_province`), if given: district
    /// names repeat across provinces (there is a Huyện Châu Thành in Sóc Trăng and in Hậu Giang).
    pub former_province: Option<String>,
}

/// A unit before the change, as the resolution names it: `Name [code, District]`, with
/// `(một phần / part)` when only part of it went to the new unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerUnit {
    pub name: String,
    pub code: String,
    /// The former district it belonged to.
    pub district: String,
    /// Only part of it went to the new unit.
    pub partial: bool,
}

/// A problem with one line of the list (1-based, the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dòng {}: {}", self.line, self.message)
    }
}

/// Reads the list: a header with at least `code` and `name` (`formed_from` is optional; other
/// columns are ignored), one unit per row. Every problem is reported, not only the first.
pub fn parse(csv_text: &str) -> Result<Vec<ListedUnit>, Vec<ListError>> {
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let err = |line: u64, m: &str| ListError {
        line,
        message: m.to_string(),
    };
    let headers = match rd.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![err(1, &format!("không đọc được tiêu đề: {e}"))]),
    };
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == n)
    };
    let (Some(code_col), Some(name_col)) = (col("code"), col("name")) else {
        return Err(vec![err(1, "thiếu cột `code` hoặc `name`")]);
    };
    let formed_col = col("formed_from");
    let province_col = col("former_province");
    let mut units = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, rec) in rd.records().enumerate() {
        let line = i as u64 + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(line, &format!("dòng CSV không hợp lệ: {e}")));
                continue;
            }
        };
        let code = rec.get(code_col).unwrap_or("").to_string();
        let name = text::nfc(rec.get(name_col).unwrap_or(""));
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(err(line, &format!("mã `{code}` không phải 5 chữ số")));
            continue;
        }
        let lower = text::fold(&name);
        if !(lower.starts_with("phuong ")
            || lower.starts_with("xa ")
            || lower.starts_with("thi tran ")
            || lower.starts_with("dac khu "))
        {
            errors.push(err(
                line,
                &format!("tên `{name}` không bắt đầu bằng Phường, Xã, Thị trấn hoặc Đặc khu"),
            ));
            continue;
        }
        if !seen.insert(code.clone()) {
            errors.push(err(line, &format!("mã `{code}` lặp lại")));
            continue;
        }
        let formed_from = match formed_col.and_then(|c| rec.get(c)) {
            None | Some("") => Vec::new(),
            Some(s) => match parse_formed_from(s) {
                Ok(v) => v,
                Err(m) => {
                    errors.push(err(line, &m));
                    continue;
                }
            },
        };
        let former_province = province_col
            .and_then(|c| rec.get(c))
            .filter(|p| !p.is_empty())
            .map(text::nfc);
        units.push(ListedUnit {
            code,
            name,
            formed_from,
            former_province,
        });
    }
    if units.is_empty() && errors.is_empty() {
        errors.push(err(2, "danh sách không có đơn vị nào"));
    }
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(errors)
    }
}

/// `Phường Tân An [31135, Quận Ninh Kiều]; Phường Bùi Hữu Nghĩa [31178, Quận Bình Thuỷ] (một phần / part)`.
fn parse_formed_from(s: &str) -> Result<Vec<FormerUnit>, String> {
    s.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let bad = || format!("`formed_from` không đọc được: `{p}`");
            let (name, rest) = p.split_once('[').ok_or_else(bad)?;
            let (inside, tail) = rest.split_once(']').ok_or_else(bad)?;
            let (code, district) = inside.split_once(',').ok_or_else(bad)?;
            let code = code.trim();
            if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            Ok(FormerUnit {
                name: text::nfc(name.trim()),
                code: code.to_string(),
                district: text::nfc(district.trim()),
                partial: tail.contains("part") || tail.contains("một phần"),
            })
        })
        .collect()
}

// ---------------------------------------------------------------- how a list applies

impl ListedUnit {
    /// Whether a stored unit of the same code is this place: the same name (up to case and
    /// diacritics), or a unit the list says this one was formed from (a merger or a renaming).
    /// Otherwise the list reuses the code for another place, and the reports filed under the
    /// old one would move with it.
    pub fn continues(&self, stored_code: &str, stored_name: &str) -> bool {
        self.same_name(stored_name) || self.formed_from.iter().any(|f| f.code == stored_code)
    }

    /// Whether a stored name is this unit's, up to case and diacritics (a spelling fix keeps
    /// the unit's start date; a new name starts it again).
    pub fn same_name(&self, stored_name: &str) -> bool {
        text::fold(stored_name) == text::fold(&self.name)
    }

    /// Whether a former district (by its name, and the name of the province it lay in) is the
    /// one this unit's former unit `f` belonged to: the same name, in the list's former
    /// province when it names one ("Tỉnh Sóc Trăng" ends with "Sóc Trăng").
    pub fn district_is(&self, f: &FormerUnit, district: &str, province: Option<&str>) -> bool {
        text::fold(district) == text::fold(&f.district)
            && match &self.former_province {
                None => true,
                Some(p) => province.is_some_and(|n| text::fold(n).ends_with(&text::fold(p))),
            }
    }
}

/// The last day of the units a list replaces: the day before it comes into force.
pub fn ended_on(valid_from: chrono::NaiveDate) -> chrono::NaiveDate {
    valid_from - chrono::Duration::days(1)
}

/// The code of a unit's People's Committee: every commune-level unit in force has one.
pub fn committee_code(unit_code: &str) -> String {
    format!("UBND-{unit_code}")
}

/// "Phường Ninh Kiều" → "UBND phường Ninh Kiều".
pub fn committee_name(unit: &str) -> String {
    let mut c = unit.chars();
    match c.next() {
        Some(first) => format!("UBND {}{}", first.to_lowercase(), c.as_str()),
        None => "UBND".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_their_origins() {
        let csv = "code,name,level,formed_from\n\
            31120,Phường Cái Khế,ward,\"Phường An Hòa [31120, Quận Ninh Kiều]; Phường Bùi Hữu Nghĩa [31178, Quận Bình Thuỷ] (một phần / part)\"\n\
            31147,Phường Tân An,ward,\n";
        let u = parse(csv).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].formed_from.len(), 2);
        assert_eq!(u[0].formed_from[1].code, "31178");
        assert_eq!(u[0].formed_from[1].district, "Quận Bình Thuỷ");
        assert!(u[0].formed_from[1].partial && !u[0].formed_from[0].partial);
        assert!(u[1].formed_from.is_empty());
        assert_eq!(u[0].former_province, None);
    }

    #[test]
    fn reports_every_bad_row() {
        let csv = "code,name\n123,Phường A\n31120,Khu B\n31120,Phường C\n31120,Phường D\n";
        let e = parse(csv).unwrap_err();
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2, 3, 5]);
        assert!(parse("id,label\n1,x\n").is_err());
    }

    #[test]
    fn committee_names_and_places() {
        assert_eq!(
            super::committee_name("Phường Ninh Kiều"),
            "UBND phường Ninh Kiều"
        );
        assert_eq!(super::committee_name("Xã Đại Ân 2"), "UBND xã Đại Ân 2");
        assert_eq!(super::committee_code("31150"), "UBND-31150");
        let u = super::ListedUnit {
            code: "31150".into(),
            name: "Phường Ninh Kiều".into(),
            formed_from: vec![super::FormerUnit {
                name: "Phường Tân An".into(),
                code: "31153".into(),
                district: "Quận Ninh Kiều".into(),
                partial: true,
            }],
            former_province: Some("Cần Thơ".into()),
        };
        assert!(u.continues("31150", "phuong ninh kieu"));
        assert!(u.continues("31153", "Phường Tân An"));
        assert!(!u.continues("31150", "Xã Khác"));
        let f = &u.formed_from[0];
        assert!(u.district_is(f, "Quận Ninh Kiều", Some("Thành phố Cần Thơ")));
        assert!(!u.district_is(f, "Quận Ninh Kiều", Some("Tỉnh Sóc Trăng")));
        assert!(!u.district_is(f, "Quận Bình Thủy", Some("Thành phố Cần Thơ")));
    }
}
