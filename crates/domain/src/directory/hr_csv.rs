//! Exchange of physician records with HR systems as a CSV file that Excel opens and saves.
//!
//! # Format
//! Excel's "CSV UTF-8": UTF-8 with byte order mark (optional when reading), `;` between fields,
//! fields holding `;`, `"` or line breaks in double quotes (`""` for a quote), CRLF (LF also read).
//! One header row with these German column names (written in this order; read in any order and
//! without regard to case), then one row per physician:
//!
//! | column | content |
//! |---|---|
//! | `ANR` | 9 digits, empty until issued |
//! | `Geschlecht` | `weiblich`, `männlich`, `divers`, `unbekannt` (also `w`, `m`, `d`, `u`) |
//! | `Dr-Titel` | `ja` or `nein` (empty = `nein`) |
//! | `Nachname`, `Vorname` | text |
//! | `Geburtsdatum`, `Staatsexamen`, `Approbation`, `Promotion` | TT.MM.JJJJ (Promotion may be empty) |
//! | `Facharztanerkennungen` | `Fachgebiet:Datum`, several separated by `\|`, in entry order: `01:15.03.2015\|23:01.10.2019` |
//! | `Standorte` | `Standortnummer:Beginn-Ende`, several separated by `\|`; an empty end is open: `773081000:01.01.2020-31.12.2024\|773082000:01.01.2021-` |
//! | `Alle Standorte` | `nein` (or empty), or the period `Beginn-Ende` like a site's: `01.01.2020-` (open) or `01.01.2020-31.12.2024`; `ja` alone (no period) is read but fails the record rules, which want a start |
//!
//! Blanks around values and separators are ignored. Reading only converts the cells into
//! [`PhysicianForm`]s (format errors per row, with the form's field names); the record rules are
//! [`PhysicianForm::validate`]'s. Writing then reading gives the same forms back.

use serde::{Deserialize, Serialize};

use super::bulk::{parse_yes_no, yes_no};
use super::date::Date;
use super::physician::{PhysicianForm, Sex, SiteAssignment, SpecialtyEntry};
use super::table::{LineError, Row, map_header, read_rows, write_table};
use crate::error::{FieldError, ValidationError};

/// The columns of the HR CSV, in the order written.
pub const HR_CSV_COLUMNS: [&str; 12] = [
    "ANR",
    "Geschlecht",
    "Dr-Titel",
    "Nachname",
    "Vorname",
    "Geburtsdatum",
    "Staatsexamen",
    "Approbation",
    "Promotion",
    "Facharztanerkennungen",
    "Standorte",
    "Alle Standorte",
];

/// Separator between several entries in one cell.
const LIST_SEPARATOR: char = '|';

/// One physician row of an HR CSV file: its line and the form or the row's format errors.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct HrRow {
    /// 1-based line in the file where the row starts (the header is line 1).
    pub line: usize,
    pub result: Result<PhysicianForm, Vec<FieldError>>,
}

/// Reads an HR CSV file: `Err` for a file that cannot be read at all (bad header, no rows), else
/// one [`HrRow`] per physician.
pub fn parse_hr_csv(text: &str) -> Result<Vec<HrRow>, Vec<LineError>> {
    let rows = read_rows(text).map_err(|e| vec![e])?;
    let Some((header, data)) = rows.split_first() else {
        return Err(vec![LineError::new(1, "", &ValidationError::NoDataRows)]);
    };
    let columns = map_header(header, &HR_CSV_COLUMNS)?;
    if data.is_empty() {
        return Err(vec![LineError::new(
            header.line,
            "",
            &ValidationError::NoDataRows,
        )]);
    }
    Ok(data
        .iter()
        .map(|row| HrRow {
            line: row.line,
            result: parse_row(row, &columns, header.fields.len()),
        })
        .collect())
}

/// Collects the format errors of one row under the form's field names.
struct RowErrors(Vec<FieldError>);

impl RowErrors {
    fn take<T: Default>(&mut self, field: &str, result: Result<T, ValidationError>) -> T {
        result.unwrap_or_else(|e| {
            self.0.push(e.for_field(field));
            T::default()
        })
    }
}

fn optional_date(cell: &str) -> Result<Option<Date>, ValidationError> {
    if cell.trim().is_empty() {
        Ok(None)
    } else {
        Date::parse_german(cell).map(Some)
    }
}

fn parse_row(row: &Row, columns: &[usize], width: usize) -> Result<PhysicianForm, Vec<FieldError>> {
    if row.fields.len() != width {
        return Err(vec![
            ValidationError::CsvFieldCount {
                expected: width,
                actual: row.fields.len(),
            }
            .for_field(""),
        ]);
    }
    let cell = |i: usize| row.fields[columns[i]].trim();
    let mut errors = RowErrors(Vec::new());
    let anr =
        Some(crate::numbers::normalize_number(cell(0)).into_owned()).filter(|a| !a.is_empty());
    let sex = if cell(1).is_empty() {
        None
    } else {
        errors.take("sex", Sex::from_input(cell(1)).map(Some))
    };
    let doctoral_title = errors.take("doctoral_title", parse_yes_no(cell(2)));
    let birth_date = errors.take("birth_date", optional_date(cell(5)));
    let state_exam_date = errors.take("state_exam_date", optional_date(cell(6)));
    let licence_date = errors.take("licence_date", optional_date(cell(7)));
    let doctorate_date = errors.take("doctorate_date", optional_date(cell(8)));
    let specialties = parse_specialties(cell(9), &mut errors);
    let sites = parse_sites(cell(10), &mut errors);
    let (all_sites, all_sites_start, all_sites_end) = parse_all_sites(cell(11), &mut errors);
    if !errors.0.is_empty() {
        return Err(errors.0);
    }
    Ok(PhysicianForm {
        anr,
        sex,
        doctoral_title,
        last_name: cell(3).to_owned(),
        first_name: cell(4).to_owned(),
        birth_date,
        state_exam_date,
        licence_date,
        doctorate_date,
        specialties,
        sites,
        all_sites,
        all_sites_start,
        all_sites_end,
    })
}

/// The "Alle Standorte" cell: `nein`/empty, `ja`, or a period `Beginn-Ende`.
fn parse_all_sites(cell: &str, errors: &mut RowErrors) -> (bool, Option<Date>, Option<Date>) {
    if let Some((start, end)) = cell.split_once('-')
        && !start.trim().is_empty()
    {
        let start = errors.take("all_sites_start", optional_date(start));
        let end = errors.take("all_sites_end", optional_date(end));
        return (true, start, end);
    }
    (errors.take("all_sites", parse_yes_no(cell)), None, None)
}

/// The non-empty `|`-separated parts of a cell, trimmed.
fn list_items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

fn parse_specialties(cell: &str, errors: &mut RowErrors) -> Vec<SpecialtyEntry> {
    list_items(cell)
        .enumerate()
        .map(|(i, item)| {
            let Some((code, date)) = item.split_once(':') else {
                errors.0.push(
                    ValidationError::Format {
                        expected: "Fachgebiet:Datum wie 01:15.03.2015",
                    }
                    .for_field(&format!("specialties[{i}]")),
                );
                return SpecialtyEntry::default();
            };
            SpecialtyEntry {
                code: code.trim().to_owned(),
                date: errors.take(&format!("specialties[{i}].date"), optional_date(date)),
            }
        })
        .collect()
}

fn parse_sites(cell: &str, errors: &mut RowErrors) -> Vec<SiteAssignment> {
    list_items(cell)
        .enumerate()
        .map(|(i, item)| {
            let Some((number, period)) = item.split_once(':') else {
                errors.0.push(
                    ValidationError::Format {
                        expected: "Standortnummer:Beginn-Ende wie 773081000:01.01.2020-31.12.2024",
                    }
                    .for_field(&format!("sites[{i}]")),
                );
                return SiteAssignment::default();
            };
            // Dates are TT.MM.JJJJ, so the first "-" separates start and end.
            let (start, end) = period.split_once('-').unwrap_or((period, ""));
            SiteAssignment {
                site_number: number.trim().to_owned(),
                start: errors.take(&format!("sites[{i}].start"), optional_date(start)),
                end: errors.take(&format!("sites[{i}].end"), optional_date(end)),
            }
        })
        .collect()
}

fn german(date: Option<Date>) -> String {
    date.map(Date::to_german).unwrap_or_default()
}

/// One form as the cells of a row, in [`HR_CSV_COLUMNS`] order.
fn to_row(form: &PhysicianForm) -> Vec<String> {
    let specialties: Vec<String> = form
        .specialties
        .iter()
        .map(|s| format!("{}:{}", s.code.trim(), german(s.date)))
        .collect();
    let sites: Vec<String> = form
        .sites
        .iter()
        .map(|s| {
            format!(
                "{}:{}-{}",
                s.site_number.trim(),
                german(s.start),
                german(s.end)
            )
        })
        .collect();
    vec![
        form.anr_input().unwrap_or_default().to_owned(),
        form.sex.map(|s| s.label().to_owned()).unwrap_or_default(),
        yes_no(form.doctoral_title).to_owned(),
        form.last_name.clone(),
        form.first_name.clone(),
        german(form.birth_date),
        german(form.state_exam_date),
        german(form.licence_date),
        german(form.doctorate_date),
        specialties.join("|"),
        sites.join("|"),
        match (form.all_sites, form.all_sites_start) {
            (true, Some(start)) => format!("{}-{}", start.to_german(), german(form.all_sites_end)),
            (all, _) => yes_no(all).to_owned(),
        },
    ]
}

/// The forms as an HR CSV file (BOM, `;`, CRLF), readable by [`parse_hr_csv`] and Excel.
pub fn write_hr_csv(records: &[PhysicianForm]) -> String {
    write_table(&HR_CSV_COLUMNS, records.iter().map(to_row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    const HEADER: &str = "ANR;Geschlecht;Dr-Titel;Nachname;Vorname;Geburtsdatum;Staatsexamen;Approbation;Promotion;Facharztanerkennungen;Standorte;Alle Standorte";

    fn forms(text: &str) -> Vec<(usize, Result<PhysicianForm, Vec<FieldError>>)> {
        parse_hr_csv(text)
            .expect("readable")
            .into_iter()
            .map(|r| (r.line, r.result))
            .collect()
    }

    #[test]
    fn reads_a_row_as_excel_writes_it() {
        let text = format!(
            "\u{feff}{HEADER}\r\n838382202;weiblich;ja;Müller-Lüdenscheidt;Anna;12.04.1985;15.06.2010;01.10.2010;20.02.2012;01:15.03.2015 | 23:01.10.2019;773081000:01.01.2020-31.12.2024|773082000:01.01.2021-;nein\r\n"
        );
        let rows = forms(&text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        let form = rows[0].1.clone().expect("valid row");
        assert_eq!(form.anr.as_deref(), Some("838382202"));
        assert_eq!(form.sex, Some(Sex::Female));
        assert!(form.doctoral_title);
        assert_eq!(form.last_name, "Müller-Lüdenscheidt");
        assert_eq!(form.birth_date, Some(d("12.04.1985")));
        assert_eq!(
            form.specialties,
            vec![
                SpecialtyEntry {
                    date: Some(d("15.03.2015")),
                    code: "01".into()
                },
                SpecialtyEntry {
                    date: Some(d("01.10.2019")),
                    code: "23".into()
                },
            ]
        );
        assert_eq!(
            form.sites,
            vec![
                SiteAssignment {
                    site_number: "773081000".into(),
                    start: Some(d("01.01.2020")),
                    end: Some(d("31.12.2024")),
                },
                SiteAssignment {
                    site_number: "773082000".into(),
                    start: Some(d("01.01.2021")),
                    end: None,
                },
            ]
        );
        assert!(!form.all_sites);
    }

    #[test]
    fn format_errors_per_row_with_field_names() {
        let text = format!(
            "{HEADER}\n;x;vielleicht;Muster;Max;1.1.80;15.06.2006;01.10.2006;;02;773081000:01.01.2020-2024|773082000;ja\n;m;nein;Muster;Moritz;01.01.1980;15.06.2006;01.10.2006;;;;ja\nzu;wenig\n"
        );
        let rows = forms(&text);
        assert_eq!(rows.len(), 3);
        let errors = rows[0].1.clone().expect_err("invalid");
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("sex", "format"),
                ("doctoral_title", "format"),
                ("birth_date", "date_format"),
                ("specialties[0]", "format"),
                ("sites[0].end", "date_format"),
                ("sites[1]", "format"),
            ]
        );
        assert_eq!(
            errors[3].message,
            "Ungültiges Format: erwartet Fachgebiet:Datum wie 01:15.03.2015."
        );
        // The second row is fine (the record rules are validate()'s business).
        assert_eq!(rows[1].0, 3);
        let form = rows[1].1.clone().expect("valid");
        assert!(form.all_sites);
        assert!(form.sites.is_empty());
        assert_eq!(form.anr, None);
        assert_eq!(
            rows[2],
            (
                4,
                Err(vec![FieldError {
                    field: String::new(),
                    code: "csv_field_count".into(),
                    message: "Die Zeile hat 2 Felder, erwartet 12.".into()
                }])
            )
        );
    }

    #[test]
    fn file_level_errors() {
        let errors = parse_hr_csv("Name;Vorname\nA;B\n").expect_err("bad header");
        assert_eq!(errors[0].line, 1);
        assert_eq!(
            errors[0].message,
            "Unbekannte Spalte „Name“ in der Kopfzeile."
        );
        assert_eq!(
            parse_hr_csv(&format!("\u{feff}{HEADER}\r\n")).map_err(|e| e[0].code.clone()),
            Err("no_data_rows".to_owned())
        );
    }

    #[test]
    fn writes_header_bom_crlf_and_quotes() {
        let form = PhysicianForm {
            sex: Some(Sex::Male),
            last_name: "O\"Neill; Jr.".into(),
            first_name: "Jörg".into(),
            all_sites: true,
            all_sites_start: Some(Date::parse("01.01.2023").expect("valid")),
            all_sites_end: None,
            ..PhysicianForm::default()
        };
        let text = write_hr_csv(&[form]);
        assert_eq!(
            text,
            format!(
                "\u{feff}{HEADER}\r\n;männlich;nein;\"O\"\"Neill; Jr.\";Jörg;;;;;;;01.01.2023-\r\n"
            )
        );
    }
}
