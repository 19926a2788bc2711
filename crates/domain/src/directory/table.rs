//! Semicolon-separated tables as Excel reads and writes them: line errors, reading, writing.

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// Excel's UTF-8 byte order mark, allowed at the start of every file we read.
pub const BOM: char = '\u{feff}';

/// An error in one line of an imported file (`line` is 1-based, counted in the file's lines;
/// `field` names the column, empty for the whole line).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineError {
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

impl LineError {
    /// The error `err` at `line` in column `field`.
    pub fn new(line: usize, field: &str, err: &ValidationError) -> LineError {
        LineError {
            line,
            field: field.to_owned(),
            code: err.code().to_owned(),
            message: err.message(),
        }
    }
}

/// One record of a table with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Row {
    /// True when every field is blank (Excel writes such rows as `;;;;`); these are skipped.
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Splits `text` (BOM allowed) into `;`-separated records with Excel's quoting (`"…"`, `""` for a
/// quote, line breaks inside quotes), skipping blank rows. Lines end with LF, CRLF or a lone CR.
///
/// A small parser of our own rather than the `csv` crate: its record positions are off for CRLF
/// files with blank lines, and exact line numbers are part of every import error. Like Excel, text
/// after a closing quote is kept (`"a"b` reads `ab`) and a quote inside an unquoted field is a
/// plain character; only a quote left open at the end of the file is an error.
pub(crate) fn read_rows(text: &str) -> Result<Vec<Row>, LineError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut rows = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut row_line = 1;
    // Inside a quoted section; `field_started` is false until the field has any character.
    let mut in_quotes = false;
    let mut field_started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if !field_started => {
                in_quotes = true;
                field_started = true;
            }
            ';' => {
                fields.push(unsafe_cell(std::mem::take(&mut field)));
                field_started = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(unsafe_cell(std::mem::take(&mut field)));
                field_started = false;
                push_row(&mut rows, row_line, std::mem::take(&mut fields));
                line += 1;
                row_line = line;
            }
            _ => {
                field.push(c);
                field_started = true;
            }
        }
    }
    if in_quotes {
        return Err(LineError::new(
            row_line,
            "",
            &ValidationError::Format {
                expected: "ein schließendes Anführungszeichen (\")",
            },
        ));
    }
    if field_started || !fields.is_empty() {
        fields.push(unsafe_cell(field));
        push_row(&mut rows, row_line, fields);
    }
    Ok(rows)
}

/// Keeps a finished record unless it is blank.
fn push_row(rows: &mut Vec<Row>, line: usize, fields: Vec<String>) {
    let row = Row { line, fields };
    if !row.is_blank() {
        rows.push(row);
    }
}

/// The first row as a header: for each of `columns` (matched without case and surrounding
/// blanks, in any order) the index of its field. Missing, unknown and repeated columns are errors.
pub(crate) fn map_header(
    header: &Row,
    columns: &[&'static str],
) -> Result<Vec<usize>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut found: Vec<Option<usize>> = vec![None; columns.len()];
    for (index, name) in header.fields.iter().enumerate() {
        let name = name.trim();
        match columns.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) if found[c].is_some() => errors.push(LineError::new(
                header.line,
                columns[c],
                &ValidationError::CsvColumnTwice {
                    column: name.to_owned(),
                },
            )),
            Some(c) => found[c] = Some(index),
            None => errors.push(LineError::new(
                header.line,
                name,
                &ValidationError::CsvColumnUnknown {
                    column: name.to_owned(),
                },
            )),
        }
    }
    for (column, index) in columns.iter().zip(&found) {
        if index.is_none() {
            errors.push(LineError::new(
                header.line,
                column,
                &ValidationError::CsvColumnMissing { column },
            ));
        }
    }
    if errors.is_empty() {
        Ok(found.into_iter().flatten().collect())
    } else {
        Err(errors)
    }
}

/// The characters that make a spreadsheet program read a cell as a formula (or a DDE call).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_formula(field: &str) -> bool {
    field.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as every CSV export of the product writes it: a value a spreadsheet would take for a
/// formula (`=HYPERLINK(…)`, `+1`, `-2`, `@SUM`, tab, CR) gets a leading `'`, which shows it as
/// text. Values that already start with quotes before such a character get one more, so that
/// [`read_rows`] gives back exactly what was written.
pub fn safe_cell(field: &str) -> std::borrow::Cow<'_, str> {
    if starts_formula(field) {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

/// The inverse of [`safe_cell`] for a read field.
fn unsafe_cell(field: String) -> String {
    match field.strip_prefix('\'') {
        Some(rest) if starts_formula(rest) => rest.to_owned(),
        _ => field,
    }
}

/// Writes one field as Excel does: quoted (with `""` for `"`) when it holds `;`, `"` or a line
/// break, as is otherwise; formula-like values neutralised by [`safe_cell`].
fn push_field(out: &mut String, field: &str) {
    let field = safe_cell(field);
    if field.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&field);
    }
}

/// A whole table as Excel saves "CSV UTF-8": BOM, `;`, CRLF after every row.
pub fn write_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    out.push(BOM);
    let mut push_row = |fields: &mut dyn Iterator<Item = &str>| {
        for (i, field) in fields.enumerate() {
            if i > 0 {
                out.push(';');
            }
            push_field(&mut out, field);
        }
        out.push_str("\r\n");
    };
    push_row(&mut header.iter().copied());
    for row in rows {
        push_row(&mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(rows: &[Row]) -> Vec<(usize, Vec<&str>)> {
        rows.iter()
            .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn reads_excel_quoting_bom_and_line_numbers() {
        let text = "\u{feff}a;b\r\n1;\"x;y\"\r\n;;\r\n\r\n2;\"sagte \"\"hallo\"\"\"\r\n3;\"zwei\r\nZeilen\"\r\n4;ende\r\n";
        let rows = read_rows(text).expect("readable");
        assert_eq!(
            fields(&rows),
            [
                (1, vec!["a", "b"]),
                (2, vec!["1", "x;y"]),
                (5, vec!["2", "sagte \"hallo\""]),
                (6, vec!["3", "zwei\r\nZeilen"]),
                (8, vec!["4", "ende"]),
            ]
        );
    }

    #[test]
    fn lone_cr_lf_only_and_excel_leniency() {
        let rows = read_rows("a;b\rc;d\ne;\"f\"g;h\"i").expect("readable");
        assert_eq!(
            fields(&rows),
            [
                (1, vec!["a", "b"]),
                (2, vec!["c", "d"]),
                (3, vec!["e", "fg", "h\"i"]),
            ]
        );
        assert_eq!(read_rows("").expect("readable"), vec![]);
        assert_eq!(read_rows("\u{feff}").expect("readable"), vec![]);
        let err = read_rows("a;b\n1;\"offen\n\n").expect_err("open quote");
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "Ungültiges Format: erwartet ein schließendes Anführungszeichen (\")."
        );
    }

    #[test]
    fn header_mapping() {
        let columns = ["eins", "zwei", "drei"];
        let header = Row {
            line: 1,
            fields: vec![" Drei".into(), "EINS".into(), "zwei ".into()],
        };
        assert_eq!(map_header(&header, &columns), Ok(vec![1, 2, 0]));
        let header = Row {
            line: 1,
            fields: vec!["eins".into(), "vier".into(), "eins".into()],
        };
        let errors = map_header(&header, &columns).expect_err("bad header");
        let summary: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("vier", "Unbekannte Spalte „vier“ in der Kopfzeile."),
                ("eins", "Die Spalte „eins“ steht mehrfach in der Kopfzeile."),
                ("zwei", "Die Spalte „zwei“ fehlt in der Kopfzeile."),
                ("drei", "Die Spalte „drei“ fehlt in der Kopfzeile."),
            ]
        );
    }

    #[test]
    fn formula_cells_are_neutralised_and_read_back() {
        for (value, written) in [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+49 30", "'+49 30"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'=x", "''=x"),
            ("Müller", "Müller"),
            ("a=b", "a=b"),
            ("'quoted", "'quoted"),
        ] {
            let table = write_table(&["A"], [vec![value.to_owned()]]);
            assert_eq!(table, format!("{BOM}A\r\n{written}\r\n"), "{value:?}");
            let rows = read_rows(&table).expect("readable");
            assert_eq!(rows[1].fields, vec![value.to_owned()], "{value:?}");
        }
    }

    #[test]
    fn writes_like_excel() {
        let text = write_table(
            &["a", "b"],
            [
                vec!["Müller".to_owned(), "x;y".to_owned()],
                vec!["say \"hi\"".to_owned(), String::new()],
            ],
        );
        assert_eq!(
            text,
            "\u{feff}a;b\r\nMüller;\"x;y\"\r\n\"say \"\"hi\"\"\";\r\n"
        );
    }

    proptest! {
        #[test]
        fn written_tables_read_back(
            rows in prop::collection::vec(
                prop::collection::vec("[a-zäöüß;\" \\r\\n0-9.|:-]{0,12}", 3),
                0..6,
            )
        ) {
            let text = write_table(&["x", "y", "z"], rows.clone());
            let read = read_rows(&text).expect("readable");
            let expected: Vec<Vec<String>> = std::iter::once(vec!["x".into(), "y".into(), "z".into()])
                .chain(rows.into_iter().filter(|r| !r.iter().all(|f| f.trim().is_empty())))
                .collect();
            let got: Vec<Vec<String>> = read.into_iter().map(|r| r.fields).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
