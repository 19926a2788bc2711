//! Specialty (Fachgebiet) codes as data: the catalog read from `data/specialties.csv`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::table::LineError;
use crate::error::ValidationError;

/// Digits 8–9 of the ANR of a physician in training (no specialist recognition yet).
///
/// *Unconfirmed*: seed 003 only says a special code exists. "00" is chosen because it names no
/// specialty in the KBV-style list (so it cannot collide with a real Fachgruppe, unlike "99",
/// which that list uses for "other groups"); change it here, in this one place.
pub const IN_TRAINING_CODE: &str = "00";

/// German label of [`IN_TRAINING_CODE`].
pub const IN_TRAINING_LABEL: &str = "Ärztin/Arzt in Weiterbildung";

/// The embedded provisional table (see its header comment).
const BUILTIN_TABLE: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/specialties.csv"));

/// Header line of a specialty table.
const HEADER: &str = "code;label";

/// One specialty: its two-digit code and German label.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Specialty {
    pub code: String,
    pub label: String,
}

/// The known specialty codes, in the order of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialtyCatalog {
    entries: Vec<Specialty>,
}

impl SpecialtyCatalog {
    /// The catalog shipped with the crate (`data/specialties.csv`, provisional).
    pub fn builtin() -> &'static SpecialtyCatalog {
        static CATALOG: OnceLock<SpecialtyCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded table is checked by a unit test, so this cannot fail in a tested build.
            SpecialtyCatalog::from_table(BUILTIN_TABLE)
                .expect("data/specialties.csv is valid (see the test builtin_table_is_valid)")
        })
    }

    /// Reads a `code;label` table (UTF-8, `#` comment lines, header `code;label`), checking that
    /// every code is two digits, unique and not the in-training code, and every label non-empty.
    pub fn from_table(text: &str) -> Result<SpecialtyCatalog, Vec<LineError>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut entries: Vec<Specialty> = Vec::new();
        let mut first_lines: Vec<usize> = Vec::new();
        let mut errors = Vec::new();
        let mut header_seen = false;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !header_seen {
                header_seen = true;
                if trimmed != HEADER {
                    errors.push(LineError::new(
                        line,
                        "",
                        &ValidationError::Format {
                            expected: "die Kopfzeile code;label",
                        },
                    ));
                }
                continue;
            }
            let Some((code, label)) = trimmed.split_once(';') else {
                errors.push(LineError::new(
                    line,
                    "",
                    &ValidationError::CsvFieldCount {
                        expected: 2,
                        actual: 1,
                    },
                ));
                continue;
            };
            let (code, label) = (code.trim(), label.trim());
            if let Err(err) = check_code_shape(code) {
                errors.push(LineError::new(line, "code", &err));
            } else if code == IN_TRAINING_CODE {
                errors.push(LineError::new(
                    line,
                    "code",
                    &ValidationError::NotAllowed {
                        what: "der Schlüssel für Ärztinnen und Ärzte in Weiterbildung als Fachgebiet",
                    },
                ));
            } else if let Some(pos) = entries.iter().position(|e| e.code == code) {
                errors.push(LineError::new(
                    line,
                    "code",
                    &ValidationError::Duplicate {
                        value: code.to_owned(),
                        first_line: first_lines[pos],
                    },
                ));
            }
            if label.is_empty() {
                errors.push(LineError::new(line, "label", &ValidationError::Required));
            }
            entries.push(Specialty {
                code: code.to_owned(),
                label: label.to_owned(),
            });
            first_lines.push(line);
        }
        if !header_seen {
            errors.push(LineError::new(1, "", &ValidationError::NoDataRows));
        }
        if errors.is_empty() {
            Ok(SpecialtyCatalog { entries })
        } else {
            Err(errors)
        }
    }

    /// The specialty with this code (surrounding blanks ignored); `UnknownSpecialty` otherwise.
    pub fn get(&self, code: &str) -> Result<&Specialty, ValidationError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(ValidationError::Required);
        }
        self.entries.iter().find(|e| e.code == code).ok_or_else(|| {
            ValidationError::UnknownSpecialty {
                code: code.to_owned(),
            }
        })
    }

    /// The German label of a code, including the in-training code; `None` if unknown.
    pub fn label(&self, code: &str) -> Option<&str> {
        if code.trim() == IN_TRAINING_CODE {
            return Some(IN_TRAINING_LABEL);
        }
        self.get(code).ok().map(|s| s.label.as_str())
    }

    /// Every specialty, in table order.
    pub fn entries(&self) -> &[Specialty] {
        &self.entries
    }

    /// The code of physicians in training ([`IN_TRAINING_CODE`]).
    pub fn in_training_code(&self) -> &'static str {
        IN_TRAINING_CODE
    }
}

/// Two ASCII digits.
fn check_code_shape(code: &str) -> Result<(), ValidationError> {
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::Format {
            expected: "einen zweistelligen Schlüssel wie 01",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_is_valid() {
        let catalog = SpecialtyCatalog::from_table(BUILTIN_TABLE).expect("valid table");
        assert!(catalog.entries().len() >= 30, "about 30 codes expected");
        assert_eq!(SpecialtyCatalog::builtin(), &catalog);
    }

    #[test]
    fn lookups() {
        let catalog = SpecialtyCatalog::builtin();
        assert_eq!(
            catalog.get("01").map(|s| s.label.as_str()),
            Ok("Allgemeinmedizin")
        );
        assert_eq!(catalog.get(" 27 ").map(|s| s.code.as_str()), Ok("27"));
        let err = catalog.get("98").expect_err("unknown");
        assert_eq!(
            err,
            ValidationError::UnknownSpecialty {
                code: "98".to_owned()
            }
        );
        assert_eq!(err.message(), "Unbekannter Fachgebietsschlüssel „98“.");
        assert_eq!(err.code(), "unknown_specialty");
        assert_eq!(catalog.get(""), Err(ValidationError::Required));
        // The in-training code is a label but never a specialty.
        assert!(catalog.get(IN_TRAINING_CODE).is_err());
        assert_eq!(catalog.label("00"), Some("Ärztin/Arzt in Weiterbildung"));
        assert_eq!(catalog.label("53"), Some("Neurologie"));
        assert_eq!(catalog.label("98"), None);
        assert_eq!(catalog.in_training_code(), "00");
    }

    #[test]
    fn table_errors_name_line_and_field() {
        let text = "# comment\ncode;label\n01;Allgemeinmedizin\n1;Kurz\n01;Doppelt\n00;Weiterbildung\n02;\nkein Semikolon\n";
        let errors = SpecialtyCatalog::from_table(text).expect_err("invalid");
        let summary: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (4, "code", "format"),
                (5, "code", "duplicate"),
                (6, "code", "not_allowed"),
                (7, "label", "required"),
                (8, "", "csv_field_count"),
            ]
        );
        assert_eq!(errors[1].message, "01 kommt bereits in Zeile 3 vor.");
        assert!(SpecialtyCatalog::from_table("code;label\n").is_ok_and(|c| c.entries().is_empty()));
        assert_eq!(
            SpecialtyCatalog::from_table("codes;labels\n01;A\n").map_err(|e| e[0].code.clone()),
            Err("format".to_owned())
        );
        assert_eq!(
            SpecialtyCatalog::from_table("# nur Kommentar\n").map_err(|e| e[0].code.clone()),
            Err("no_data_rows".to_owned())
        );
    }
}
