//! The search query language of every list (`q`), read once and written for either database's
//! full-text index. Words are folded like the indexed text (`domain::text::words`), so a query
//! with or without diacritics finds the same reports.
//!
//! - `đèn đường`: reports with both words (in any order, anywhere);
//! - `"ngập nước"`: the words side by side, in this order (a phrase);
//! - `chiếu*`: words that begin so (`chieu`, `chieusang`), at least 2 letters before the star;
//!   `"cây đổ"*` a phrase whose last word begins so;
//! - `-rác`: reports without the word (or `-"…"` without the phrase); a query needs at least
//!   one word that is not excluded;
//! - a word with punctuation inside (`PA-2026-000123`, `3/2`) is the phrase of its parts.
//!
//! At most [`MAX_TERMS`] terms; nothing else is special (`AND`, `OR`, brackets are words).

use super::text::words;

/// Terms a query may have.
pub const MAX_TERMS: usize = 16;

/// A term: one word, or a phrase of several, perhaps a prefix, perhaps excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Folded words (letters and digits only), side by side.
    pub words: Vec<String>,
    /// The last word is a prefix.
    pub prefix: bool,
    /// Reports must not have it.
    pub excluded: bool,
}

/// A query read from `q`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// Why a query cannot be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    /// No word to look for (empty, only punctuation, or only excluded words).
    NoWord,
    /// More than [`MAX_TERMS`] terms.
    TooManyTerms,
    /// A prefix of fewer than 2 letters (`a*`) would match most reports.
    ShortPrefix,
}

impl Query {
    /// Reads a query typed by a person (see the module's documentation).
    pub fn parse(q: &str) -> Result<Query, QueryError> {
        let mut terms = Vec::new();
        let mut chars = q.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let Some(&first) = chars.peek() else { break };
            let mut excluded = false;
            if first == '-' {
                excluded = true;
                chars.next();
            }
            let mut raw = String::new();
            let quoted = chars.peek() == Some(&'"');
            if quoted {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    raw.push(c);
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '"' {
                        break;
                    }
                    raw.push(c);
                    chars.next();
                }
            }
            let mut prefix = false;
            if quoted && chars.peek() == Some(&'*') {
                chars.next();
                prefix = true;
            } else if !quoted && raw.ends_with('*') {
                prefix = true;
            }
            let ws = words(&raw);
            if ws.is_empty() {
                continue;
            }
            if prefix && ws.last().is_some_and(|w| w.chars().count() < 2) {
                return Err(QueryError::ShortPrefix);
            }
            terms.push(Term {
                words: ws,
                prefix,
                excluded,
            });
            if terms.len() > MAX_TERMS {
                return Err(QueryError::TooManyTerms);
            }
        }
        if !terms.iter().any(|t| !t.excluded) {
            return Err(QueryError::NoWord);
        }
        Ok(Query { terms })
    }

    /// The query in SQLite FTS5's syntax, limited to one column of the index.
    pub fn fts5(&self, column: &str) -> String {
        let term = |t: &Term| {
            // Words are letters and digits only: nothing to escape inside the quotes.
            let mut s = format!("\"{}\"", t.words.join(" "));
            if t.prefix {
                s.push('*');
            }
            s
        };
        let wanted: Vec<String> = self
            .terms
            .iter()
            .filter(|t| !t.excluded)
            .map(term)
            .collect();
        let mut out = format!("({})", wanted.join(" AND "));
        for t in self.terms.iter().filter(|t| t.excluded) {
            out = format!("{out} NOT {}", term(t));
        }
        format!("{{{column}}} : ({out})")
    }

    /// The query in PostgreSQL's `to_tsquery('simple', …)` syntax.
    pub fn tsquery(&self) -> String {
        let term = |t: &Term| {
            let n = t.words.len();
            let parts: Vec<String> = t
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if t.prefix && i + 1 == n {
                        format!("'{w}':*")
                    } else {
                        format!("'{w}'")
                    }
                })
                .collect();
            let s = parts.join(" <-> ");
            match (t.excluded, n > 1) {
                (true, _) => format!("!({s})"),
                (false, true) => format!("({s})"),
                (false, false) => s,
            }
        };
        self.terms.iter().map(term).collect::<Vec<_>>().join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(words: &[&str], prefix: bool, excluded: bool) -> Term {
        Term {
            words: words.iter().map(|w| w.to_string()).collect(),
            prefix,
            excluded,
        }
    }

    #[test]
    fn reads_words_phrases_prefixes_and_exclusions() {
        let q = Query::parse("  Đèn ĐƯỜNG \"ngập  nước\" chiếu* -rác -\"cây đổ\"").unwrap();
        assert_eq!(
            q.terms,
            vec![
                t(&["den"], false, false),
                t(&["duong"], false, false),
                t(&["ngap", "nuoc"], false, false),
                t(&["chieu"], true, false),
                t(&["rac"], false, true),
                t(&["cay", "do"], false, true),
            ]
        );
        assert_eq!(
            q.fts5("text"),
            "{text} : ((\"den\" AND \"duong\" AND \"ngap nuoc\" AND \"chieu\"*) NOT \"rac\" NOT \"cay do\")"
        );
        assert_eq!(
            q.tsquery(),
            "'den' & 'duong' & ('ngap' <-> 'nuoc') & 'chieu':* & !('rac') & !('cay' <-> 'do')"
        );
    }

    #[test]
    fn codes_and_punctuation_are_phrases() {
        let q = Query::parse("PA-2026-000123").unwrap();
        assert_eq!(q.terms, vec![t(&["pa", "2026", "000123"], false, false)]);
        let q = Query::parse("\"cây đổ\"* 'quote' \"unclosed").unwrap();
        assert_eq!(
            q.terms,
            vec![
                t(&["cay", "do"], true, false),
                t(&["quote"], false, false),
                t(&["unclosed"], false, false)
            ]
        );
        assert_eq!(q.tsquery(), "('cay' <-> 'do':*) & 'quote' & 'unclosed'");
    }

    #[test]
    fn refuses_what_cannot_be_searched() {
        assert_eq!(Query::parse(""), Err(QueryError::NoWord));
        assert_eq!(Query::parse("  -- ** ''"), Err(QueryError::NoWord));
        assert_eq!(Query::parse("-rac"), Err(QueryError::NoWord));
        assert_eq!(Query::parse("a*"), Err(QueryError::ShortPrefix));
        let many = vec!["x"; MAX_TERMS + 1].join(" ");
        assert_eq!(Query::parse(&many), Err(QueryError::TooManyTerms));
        assert!(Query::parse(&vec!["x"; MAX_TERMS].join(" ")).is_ok());
    }
}
