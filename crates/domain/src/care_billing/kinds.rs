//! Kinds of service (Leistungsart 01–15) and which a care insurer accepts from when.
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::directory::Date;
use crate::directory::table::{LineError, map_header, read_rows};
use crate::error::ValidationError;
use crate::{FieldError, Ik};

const BUILTIN_KINDS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/care_billing_kinds.csv"
));
const BUILTIN_ACCEPTANCE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/care_billing_acceptance.csv"
));

/// One kind of service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceKind {
    /// Two digits, `01` … `15`.
    pub code: String,
    pub label: String,
    /// Why the kind is never billed here (06: § 302 SGB V), if so.
    pub refusal: Option<String>,
}

/// That an insurer accepts a kind electronically from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// The care insurer's IK (Pflegekasse), present in every delivery.
    pub insurer_ik: Ik,
    pub kind: String,
    pub valid_from: Date,
    /// Billing this kind electronically is optional (trial phase).
    pub optional: bool,
    /// Where the paper receipts of this kind go.
    pub paper_receipts: String,
}

/// The kinds of service and what each insurer accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCatalog {
    kinds: Vec<ServiceKind>,
    acceptance: Vec<Acceptance>,
}

impl KindCatalog {
    /// The catalog shipped with the crate.
    pub fn builtin() -> &'static KindCatalog {
        static CATALOG: OnceLock<KindCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded tables are checked by a unit test, so this cannot fail in a tested build.
            #[allow(clippy::expect_used)]
            KindCatalog::from_tables(BUILTIN_KINDS, BUILTIN_ACCEPTANCE)
                .expect("data/care_billing_*.csv are valid (see builtin_tables_are_valid)")
        })
    }

    /// Reads the kinds (`code;label;note`) and the acceptance (`insurer_ik;kind;valid_from;
    /// optional;paper_receipts`) tables, checking every code, IK and date.
    pub fn from_tables(kinds: &str, acceptance: &str) -> Result<KindCatalog, Vec<LineError>> {
        let rows = read_rows(kinds).map_err(|e| vec![e])?;
        let Some((header, rows)) = rows.split_first() else {
            return Err(vec![LineError::new(1, "", &ValidationError::Required)]);
        };
        let columns = map_header(header, &["code", "label", "note"])?;
        let mut errors = Vec::new();
        let mut out: Vec<ServiceKind> = Vec::new();
        for row in rows {
            let cell = |i: usize| row.fields.get(columns[i]).map_or("", |s| s.trim());
            let code = cell(0);
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
                errors.push(LineError::new(
                    row.line,
                    "code",
                    &ValidationError::Format {
                        expected: "zwei Ziffern",
                    },
                ));
                continue;
            }
            if out.iter().any(|k| k.code == code) {
                errors.push(LineError::new(
                    row.line,
                    "code",
                    &ValidationError::Format {
                        expected: "jede Leistungsart nur einmal",
                    },
                ));
                continue;
            }
            out.push(ServiceKind {
                code: code.to_owned(),
                label: cell(1).to_owned(),
                refusal: Some(cell(2)).filter(|n| !n.is_empty()).map(str::to_owned),
            });
        }
        let rows = read_rows(acceptance).map_err(|e| vec![e])?;
        let Some((header, rows)) = rows.split_first() else {
            return Err(vec![LineError::new(1, "", &ValidationError::Required)]);
        };
        let columns = map_header(
            header,
            &[
                "insurer_ik",
                "kind",
                "valid_from",
                "optional",
                "paper_receipts",
            ],
        )?;
        let mut accepted = Vec::new();
        for row in rows {
            let cell = |i: usize| row.fields.get(columns[i]).map_or("", |s| s.trim());
            let ik = Ik::parse(cell(0)).map_err(|e| LineError::new(row.line, "insurer_ik", &e));
            let date = Date::parse(cell(2)).map_err(|e| LineError::new(row.line, "valid_from", &e));
            let kind = cell(1);
            if !out.iter().any(|k| k.code == kind) {
                errors.push(LineError::new(
                    row.line,
                    "kind",
                    &ValidationError::Format {
                        expected: "eine Leistungsart der Liste",
                    },
                ));
                continue;
            }
            match (ik, date) {
                (Ok(insurer_ik), Ok(valid_from)) => accepted.push(Acceptance {
                    insurer_ik,
                    kind: kind.to_owned(),
                    valid_from,
                    optional: cell(3).eq_ignore_ascii_case("ja"),
                    paper_receipts: cell(4).to_owned(),
                }),
                (ik, date) => errors.extend(ik.err().into_iter().chain(date.err())),
            }
        }
        if errors.is_empty() {
            Ok(KindCatalog {
                kinds: out,
                acceptance: accepted,
            })
        } else {
            Err(errors)
        }
    }

    pub fn kinds(&self) -> &[ServiceKind] {
        &self.kinds
    }

    pub fn kind(&self, code: &str) -> Option<&ServiceKind> {
        self.kinds.iter().find(|k| k.code == code.trim())
    }

    /// What `insurer_ik` accepts (on any date).
    pub fn accepted_by(&self, insurer_ik: &str) -> Vec<&Acceptance> {
        self.acceptance
            .iter()
            .filter(|a| a.insurer_ik.as_str() == insurer_ik)
            .collect()
    }

    /// The kind `code` if `insurer_ik` accepts it for services on `service_date`; otherwise an
    /// error for the field `kind` that says why (06 with its § 302 SGB V pointer).
    pub fn check(
        &self,
        code: &str,
        insurer_ik: &str,
        service_date: Date,
    ) -> Result<(&ServiceKind, &Acceptance), FieldError> {
        let code = code.trim();
        let Some(kind) = self.kind(code) else {
            return Err(FieldError::new(
                "kind",
                "unknown_kind",
                format!(
                    "Unbekannte Leistungsart „{code}“: erwartet ist ein Schlüssel von 01 bis 15."
                ),
            ));
        };
        if let Some(refusal) = &kind.refusal {
            return Err(FieldError::new(
                "kind",
                "kind_refused",
                format!(
                    "Leistungsart {} ({}) wird hier nicht abgerechnet: {refusal}",
                    kind.code, kind.label
                ),
            ));
        }
        let accepted = self.accepted_by(insurer_ik);
        let Some(acceptance) = accepted.iter().find(|a| a.kind == kind.code) else {
            let list: Vec<&str> = accepted.iter().map(|a| a.kind.as_str()).collect();
            return Err(FieldError::new(
                "kind",
                "kind_not_accepted",
                if list.is_empty() {
                    format!(
                        "Die Pflegekasse {insurer_ik} nimmt keine Leistungsart elektronisch an."
                    )
                } else {
                    format!(
                        "Leistungsart {} ({}) nimmt die Pflegekasse {insurer_ik} nicht elektronisch an (angenommen: {}).",
                        kind.code,
                        kind.label,
                        list.join(", ")
                    )
                },
            ));
        };
        if service_date < acceptance.valid_from {
            return Err(FieldError::new(
                "kind",
                "kind_not_yet_accepted",
                format!(
                    "Leistungsart {} ({}) wird erst für Leistungen ab dem {} elektronisch angenommen.",
                    kind.code,
                    kind.label,
                    acceptance.valid_from.to_german()
                ),
            ));
        }
        Ok((kind, acceptance))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNAPPSCHAFT: &str = "189905003";

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date::MIN)
    }

    #[test]
    fn builtin_tables_are_valid() {
        let catalog = KindCatalog::from_tables(BUILTIN_KINDS, BUILTIN_ACCEPTANCE);
        let catalog = catalog.unwrap_or_else(|e| panic!("{e:?}"));
        let codes: Vec<&str> = catalog.kinds().iter().map(|k| k.code.as_str()).collect();
        let expected: Vec<String> = (1..=15).map(|n| format!("{n:02}")).collect();
        assert_eq!(codes, expected);
        assert_eq!(KindCatalog::builtin(), &catalog);
    }

    #[test]
    fn knappschaft_accepts_01_07_09_10_from_june_2023() {
        let catalog = KindCatalog::builtin();
        for code in ["01", "07", "09", "10"] {
            assert!(
                catalog.check(code, KNAPPSCHAFT, date("01.06.2023")).is_ok(),
                "{code}"
            );
            let err = catalog
                .check(code, KNAPPSCHAFT, date("31.05.2023"))
                .err()
                .map(|e| e.code);
            assert_eq!(err.as_deref(), Some("kind_not_yet_accepted"), "{code}");
        }
        let (_, acceptance) = catalog
            .check("09", KNAPPSCHAFT, date("01.01.2025"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(acceptance.optional, "09 is optional in the trial phase");
        let err = catalog
            .check("02", KNAPPSCHAFT, date("01.01.2025"))
            .err()
            .unwrap_or_else(|| panic!("02 refused"));
        assert_eq!(err.code, "kind_not_accepted");
        assert!(
            err.message.contains("angenommen: 01, 07, 09, 10"),
            "{}",
            err.message
        );
    }

    #[test]
    fn kind_06_is_refused_with_the_section_302_pointer() {
        let err = KindCatalog::builtin()
            .check("06", KNAPPSCHAFT, date("01.01.2025"))
            .err()
            .unwrap_or_else(|| panic!("06 refused"));
        assert_eq!(err.code, "kind_refused");
        assert!(err.message.contains("§ 302 SGB V"), "{}", err.message);
    }

    #[test]
    fn unknown_kinds_and_insurers() {
        let catalog = KindCatalog::builtin();
        let err = catalog.check("16", KNAPPSCHAFT, date("01.01.2025")).err();
        assert_eq!(err.map(|e| e.code).as_deref(), Some("unknown_kind"));
        let err = catalog.check("01", "260326822", date("01.01.2025")).err();
        assert_eq!(err.map(|e| e.code).as_deref(), Some("kind_not_accepted"));
    }

    #[test]
    fn broken_tables_name_line_and_column() {
        let errors = KindCatalog::from_tables("code;label;note\n1;x;\n", BUILTIN_ACCEPTANCE)
            .err()
            .unwrap_or_default();
        assert!(
            errors.iter().any(|e| e.line == 2 && e.field == "code"),
            "{errors:?}"
        );
        let errors = KindCatalog::from_tables(
            BUILTIN_KINDS,
            "insurer_ik;kind;valid_from;optional;paper_receipts\n189905004;01;2023-06-01;nein;x\n",
        )
        .err()
        .unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e.line == 2 && e.field == "insurer_ik"),
            "{errors:?}"
        );
    }
}
