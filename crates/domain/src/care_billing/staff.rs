//! A care service's staff: name, the worker number (LBNR, or a substitute number with its reason)
//! and whether the person provides services that require one; the form, its check and the CSV
//! import (same dialect as every other table of the product).
use serde::{Deserialize, Serialize};

use crate::directory::table::{LineError, map_header, read_rows};
use crate::error::ValidationError;
use crate::{FieldError, Lbnr};

/// The columns of the staff CSV, in the order the export writes them.
pub const STAFF_CSV_COLUMNS: [&str; 5] = ["Nachname", "Vorname", "LBNR", "Grund", "Pflichtig"];

/// One staff member as entered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffForm {
    pub last_name: String,
    pub first_name: String,
    /// The LBNR or a substitute number (999999996–999999999); empty if none yet.
    #[serde(default)]
    pub lbnr: String,
    /// Why a substitute number is used (required with one).
    #[serde(default)]
    pub reason: String,
    /// Provides services under § 36 (1) SGB XI, § 37 or § 37c SGB V: a number is required.
    #[serde(default)]
    pub requires_lbnr: bool,
}

impl StaffForm {
    /// Field errors of the form.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("last_name", &self.last_name),
            ("first_name", &self.first_name),
        ] {
            if let Err(e) = crate::access::check_person_name(value) {
                errors.push(e.for_field(field));
            }
        }
        let lbnr = self.lbnr.trim();
        if lbnr.is_empty() {
            if self.requires_lbnr {
                errors.push(FieldError::new(
                    "lbnr",
                    "required",
                    "Diese Pflegekraft erbringt Leistungen, für die eine \
                              Beschäftigtennummer (LBNR) Pflicht ist.",
                ));
            }
        } else {
            match Lbnr::parse(lbnr) {
                Err(e) => errors.push(e.for_field("lbnr")),
                Ok(number) => {
                    if let Some(substitute) = number.substitute()
                        && self.reason.trim().is_empty()
                    {
                        errors.push(FieldError::new(
                            "reason",
                            "required",
                            format!(
                                "Für die Ersatznummer {} ({}) bitte den Grund angeben.",
                                number.as_str(),
                                substitute.label()
                            ),
                        ));
                    }
                }
            }
        }
        if self.reason.chars().count() > super::SUBSTITUTE_REASON_MAX_CHARS {
            errors.push(
                ValidationError::TooLong {
                    max: super::SUBSTITUTE_REASON_MAX_CHARS,
                }
                .for_field("reason"),
            );
        }
        errors
    }
}

/// One row of an imported staff file: its line and the form or its errors.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRow {
    pub line: usize,
    pub result: Result<StaffForm, Vec<FieldError>>,
}

/// Reads a staff CSV (`;`, Excel quoting, BOM allowed; `Pflichtig` is `ja`/`nein`).
pub fn parse_staff_csv(text: &str) -> Result<Vec<StaffRow>, Vec<LineError>> {
    let rows = read_rows(text).map_err(|e| vec![e])?;
    let Some((header, rows)) = rows.split_first() else {
        return Err(vec![LineError::new(1, "", &ValidationError::Required)]);
    };
    let columns = map_header(header, &STAFF_CSV_COLUMNS)?;
    Ok(rows
        .iter()
        .map(|row| {
            let cell = |i: usize| {
                row.fields
                    .get(columns[i])
                    .map_or(String::new(), |s| s.trim().to_owned())
            };
            let required = cell(4).to_lowercase();
            let mut errors = Vec::new();
            let requires_lbnr = match required.as_str() {
                "ja" => true,
                "nein" | "" => false,
                _ => {
                    errors.push(
                        ValidationError::Format {
                            expected: "ja oder nein",
                        }
                        .for_field("Pflichtig"),
                    );
                    false
                }
            };
            let form = StaffForm {
                last_name: cell(0),
                first_name: cell(1),
                lbnr: cell(2),
                reason: cell(3),
                requires_lbnr,
            };
            errors.extend(form.validate());
            StaffRow {
                line: row.line,
                result: if errors.is_empty() {
                    Ok(form)
                } else {
                    Err(errors)
                },
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(lbnr: &str, reason: &str, requires: bool) -> StaffForm {
        StaffForm {
            last_name: "Kranz".into(),
            first_name: "Karla".into(),
            lbnr: lbnr.into(),
            reason: reason.into(),
            requires_lbnr: requires,
        }
    }

    fn codes(f: &StaffForm) -> Vec<(String, String)> {
        f.validate()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn numbers_reasons_and_duty() {
        assert!(codes(&form("123456789", "", true)).is_empty());
        assert!(codes(&form("", "", false)).is_empty());
        assert_eq!(
            codes(&form("", "", true)),
            [("lbnr".to_owned(), "required".to_owned())]
        );
        assert_eq!(
            codes(&form("999999998", "", true)),
            [("reason".to_owned(), "required".to_owned())]
        );
        assert!(codes(&form("999999998", "Einstellung am 01.11.", true)).is_empty());
        assert_eq!(
            codes(&form("12345", "", true)),
            [("lbnr".to_owned(), "wrong_length".to_owned())]
        );
    }

    #[test]
    fn csv_rows_name_their_line() {
        let text = "\u{feff}Nachname;Vorname;LBNR;Grund;Pflichtig\r\n\
                    Kranz;Karla;123456789;;ja\r\n\
                    Berg;Bodo;;;ja\r\n\
                    Lenz;Lea;999999999;Leiharbeit über Agentur;vielleicht\r\n";
        let rows = parse_staff_csv(text).unwrap_or_default();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].result.is_ok());
        let fields = |r: &StaffRow| match &r.result {
            Err(e) => e.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
            Ok(_) => vec![],
        };
        assert_eq!(
            (rows[1].line, fields(&rows[1])),
            (3, vec!["lbnr".to_owned()])
        );
        assert_eq!(
            (rows[2].line, fields(&rows[2])),
            (4, vec!["Pflichtig".to_owned()])
        );
        let missing = parse_staff_csv("Nachname;Vorname\r\n")
            .err()
            .unwrap_or_default();
        assert!(missing.iter().any(|e| e.field == "LBNR"), "{missing:?}");
    }
}
