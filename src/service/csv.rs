//! CSV for staff spreadsheets: RFC 4180 quoting by the `csv` crate, CRLF line ends, and no
//! cell that a spreadsheet would evaluate. Citizens write the titles and addresses that end up
//! in exports, so a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! written with a leading `'` (OWASP, CSV injection); a plain number is left as it is.

use std::borrow::Cow;

/// The cell as it is safe to write.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Rows as CSV text.
pub fn rows<R, C>(rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        // Writing to memory cannot fail.
        let _ = w.write_record(&cells);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+84 123"), "'+84 123");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tcmd"), "'\tcmd");
        assert_eq!(neutralise("-1.5"), "-1.5");
        assert_eq!(neutralise("Đường 30/4"), "Đường 30/4");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let out = rows([vec!["a,b", "c\"d", "e\nf", "=1+1"], vec!["x", "", "y", "z"]]);
        assert_eq!(out, "\"a,b\",\"c\"\"d\",\"e\nf\",'=1+1\r\nx,,y,z\r\n");
    }
}
