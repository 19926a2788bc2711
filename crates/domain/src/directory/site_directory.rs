//! Import of the national site directory (Standortverzeichnis nach § 293 Abs. 6 SGB V).
//!
//! # File format (also in `data/site_directory_format.md`)
//! CSV as Excel saves "CSV UTF-8": UTF-8 (a byte order mark is allowed), `;` between fields,
//! fields with `;`, `"` or line breaks in double quotes (`""` for a quote), CRLF or LF. The first
//! row is the header with these columns (written in this order; read in any order, names without
//! regard to case): `standortnummer;haupt_ik;krankenhaus;standort;strasse;plz;ort;land;
//! gueltig_von;gueltig_bis`. One row per site or outpatient unit:
//! - `standortnummer`: 9 digits, `77…` (site or outpatient unit), unique in the file;
//! - `haupt_ik`: the operator's Haupt-IK (valid check digit);
//! - `krankenhaus`, `standort`, `strasse`, `ort`: text, required, at most 200 characters;
//! - `plz`: 5 digits; `land`: one of the 16 Länder, spelled as in [`Land::name`];
//! - `gueltig_von`: TT.MM.JJJJ, required; `gueltig_bis`: TT.MM.JJJJ or empty (open), not before
//!   `gueltig_von`.
//!
//! Blank rows (also `;;;;`) are skipped. Every line is checked and every error reported with its
//! line number; a file with errors imports nothing.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::physician::{VALID_FROM, VALID_UNTIL, check_not_before};
use super::table::{LineError, Row, map_header, read_rows, write_table};
use crate::access::{check_postal_code, check_text};
use crate::error::ValidationError;
use crate::numbers::{Ik, SiteNumber};

/// The columns of the site directory file, in the order written.
pub const SITE_DIRECTORY_COLUMNS: [&str; 10] = [
    "standortnummer",
    "haupt_ik",
    "krankenhaus",
    "standort",
    "strasse",
    "plz",
    "ort",
    "land",
    "gueltig_von",
    "gueltig_bis",
];

/// Most characters of a text field of the site directory.
pub const SITE_TEXT_MAX_CHARS: usize = 200;

/// The 16 German Länder (in the order of the hospital IK region codes 01–16).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub enum Land {
    SchleswigHolstein,
    Hamburg,
    Niedersachsen,
    Bremen,
    NordrheinWestfalen,
    Hessen,
    RheinlandPfalz,
    BadenWuerttemberg,
    Bayern,
    Saarland,
    Berlin,
    Brandenburg,
    MecklenburgVorpommern,
    Sachsen,
    SachsenAnhalt,
    Thueringen,
}

impl Land {
    /// Every Land, in region-code order.
    pub const ALL: [Land; 16] = [
        Land::SchleswigHolstein,
        Land::Hamburg,
        Land::Niedersachsen,
        Land::Bremen,
        Land::NordrheinWestfalen,
        Land::Hessen,
        Land::RheinlandPfalz,
        Land::BadenWuerttemberg,
        Land::Bayern,
        Land::Saarland,
        Land::Berlin,
        Land::Brandenburg,
        Land::MecklenburgVorpommern,
        Land::Sachsen,
        Land::SachsenAnhalt,
        Land::Thueringen,
    ];

    /// The official German name (the file and JSON value).
    pub fn name(self) -> &'static str {
        match self {
            Land::SchleswigHolstein => "Schleswig-Holstein",
            Land::Hamburg => "Hamburg",
            Land::Niedersachsen => "Niedersachsen",
            Land::Bremen => "Bremen",
            Land::NordrheinWestfalen => "Nordrhein-Westfalen",
            Land::Hessen => "Hessen",
            Land::RheinlandPfalz => "Rheinland-Pfalz",
            Land::BadenWuerttemberg => "Baden-Württemberg",
            Land::Bayern => "Bayern",
            Land::Saarland => "Saarland",
            Land::Berlin => "Berlin",
            Land::Brandenburg => "Brandenburg",
            Land::MecklenburgVorpommern => "Mecklenburg-Vorpommern",
            Land::Sachsen => "Sachsen",
            Land::SachsenAnhalt => "Sachsen-Anhalt",
            Land::Thueringen => "Thüringen",
        }
    }

    /// Region code 01–16 (digits 3–4 of a hospital IK in this Land).
    pub fn region_code(self) -> String {
        let index = Land::ALL.iter().position(|l| *l == self).unwrap_or(0);
        format!("{:02}", index + 1)
    }

    /// The Land of this name (case and surrounding blanks ignored).
    pub fn from_name(input: &str) -> Result<Land, ValidationError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(ValidationError::Required);
        }
        let lower = name.to_lowercase();
        Land::ALL
            .into_iter()
            .find(|l| l.name().to_lowercase() == lower)
            .ok_or_else(|| ValidationError::UnknownLand {
                found: name.to_owned(),
            })
    }
}

impl TryFrom<String> for Land {
    type Error = ValidationError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Land::from_name(&s)
    }
}

impl From<Land> for String {
    fn from(l: Land) -> String {
        l.name().to_owned()
    }
}

/// One site (or outpatient unit) of the national site directory.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteEntry {
    pub site_number: SiteNumber,
    pub main_ik: Ik,
    /// Name of the hospital (operator).
    pub hospital: String,
    /// Name of the site.
    pub site_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub land: Land,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
}

impl SiteEntry {
    /// The values of one file row, in [`SITE_DIRECTORY_COLUMNS`] order.
    fn to_row(&self) -> Vec<String> {
        vec![
            self.site_number.as_str().to_owned(),
            self.main_ik.as_str().to_owned(),
            self.hospital.clone(),
            self.site_name.clone(),
            self.street.clone(),
            self.postal_code.clone(),
            self.city.clone(),
            self.land.name().to_owned(),
            self.valid_from.to_german(),
            self.valid_until.map(Date::to_german).unwrap_or_default(),
        ]
    }
}

/// Reads and checks a whole site directory file (format in the module documentation).
pub fn parse_site_directory(text: &str) -> Result<Vec<SiteEntry>, Vec<LineError>> {
    let rows = read_rows(text).map_err(|e| vec![e])?;
    let Some((header, data)) = rows.split_first() else {
        return Err(vec![LineError::new(1, "", &ValidationError::NoDataRows)]);
    };
    let columns = map_header(header, &SITE_DIRECTORY_COLUMNS)?;
    if data.is_empty() {
        return Err(vec![LineError::new(
            header.line,
            "",
            &ValidationError::NoDataRows,
        )]);
    }
    let mut errors = Vec::new();
    let mut entries = Vec::with_capacity(data.len());
    let mut first_line_of: HashMap<SiteNumber, usize> = HashMap::new();
    for row in data {
        match parse_row(row, &columns, header.fields.len()) {
            Ok(entry) => {
                if let Some(&first_line) = first_line_of.get(&entry.site_number) {
                    errors.push(LineError::new(
                        row.line,
                        "standortnummer",
                        &ValidationError::Duplicate {
                            value: entry.site_number.as_str().to_owned(),
                            first_line,
                        },
                    ));
                } else {
                    first_line_of.insert(entry.site_number.clone(), row.line);
                    entries.push(entry);
                }
            }
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// Checks one data row; every failing field is reported.
fn parse_row(row: &Row, columns: &[usize], width: usize) -> Result<SiteEntry, Vec<LineError>> {
    if row.fields.len() != width {
        return Err(vec![LineError::new(
            row.line,
            "",
            &ValidationError::CsvFieldCount {
                expected: width,
                actual: row.fields.len(),
            },
        )]);
    }
    let mut errors = Vec::new();
    let cell = |i: usize| row.fields[columns[i]].trim();
    let mut take = |i: usize, result: Result<(), ValidationError>| {
        if let Err(e) = result {
            errors.push(LineError::new(row.line, SITE_DIRECTORY_COLUMNS[i], &e));
        }
    };
    let site_number = SiteNumber::parse(cell(0));
    take(0, site_number.as_ref().map(|_| ()).map_err(Clone::clone));
    let main_ik = Ik::parse(cell(1));
    take(1, main_ik.as_ref().map(|_| ()).map_err(Clone::clone));
    for i in [2, 3, 4] {
        take(i, check_text(cell(i), SITE_TEXT_MAX_CHARS));
    }
    take(5, check_postal_code(cell(5)));
    take(6, check_text(cell(6), SITE_TEXT_MAX_CHARS));
    let land = Land::from_name(cell(7));
    take(7, land.as_ref().map(|_| ()).map_err(Clone::clone));
    let valid_from = if cell(8).is_empty() {
        Err(ValidationError::Required)
    } else {
        Date::parse_german(cell(8))
    };
    take(8, valid_from.as_ref().map(|_| ()).map_err(Clone::clone));
    let valid_until = if cell(9).is_empty() {
        Ok(None)
    } else {
        Date::parse_german(cell(9)).map(Some)
    };
    let until_check = match (&valid_from, &valid_until) {
        (_, Err(e)) => Err(e.clone()),
        (Ok(from), Ok(Some(until))) => check_not_before(VALID_UNTIL, *until, VALID_FROM, *from),
        _ => Ok(()),
    };
    take(9, until_check);
    match (site_number, main_ik, land, valid_from, valid_until) {
        (Ok(site_number), Ok(main_ik), Ok(land), Ok(valid_from), Ok(valid_until))
            if errors.is_empty() =>
        {
            Ok(SiteEntry {
                site_number,
                main_ik,
                hospital: cell(2).to_owned(),
                site_name: cell(3).to_owned(),
                street: cell(4).to_owned(),
                postal_code: cell(5).to_owned(),
                city: cell(6).to_owned(),
                land,
                valid_from,
                valid_until,
            })
        }
        _ => Err(errors),
    }
}

/// Writes entries in the file format (BOM, `;`, CRLF), so that parsing gives them back.
pub fn write_site_directory(entries: &[SiteEntry]) -> String {
    write_table(
        &SITE_DIRECTORY_COLUMNS,
        entries.iter().map(SiteEntry::to_row),
    )
}

/// The site numbers of one Haupt-IK: the `allowed_sites` of its editors.
pub fn sites_of(entries: &[SiteEntry], main_ik: &Ik) -> Vec<SiteNumber> {
    entries
        .iter()
        .filter(|e| e.main_ik == *main_ik)
        .map(|e| e.site_number.clone())
        .collect()
}

/// A site whose data changed between two imports.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SiteChange {
    pub before: SiteEntry,
    pub after: SiteEntry,
}

/// What an import would change, keyed by site number; every list sorted by site number.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteDiff {
    pub new: Vec<SiteEntry>,
    pub changed: Vec<SiteChange>,
    pub removed: Vec<SiteEntry>,
    pub unchanged: Vec<SiteNumber>,
}

impl SiteDiff {
    /// True when the import changes nothing (importing the same file twice).
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The difference between the stored sites and an incoming file.
pub fn diff_sites(current: &[SiteEntry], incoming: &[SiteEntry]) -> SiteDiff {
    let current: BTreeMap<&SiteNumber, &SiteEntry> =
        current.iter().map(|e| (&e.site_number, e)).collect();
    let incoming: BTreeMap<&SiteNumber, &SiteEntry> =
        incoming.iter().map(|e| (&e.site_number, e)).collect();
    let mut diff = SiteDiff::default();
    for (number, after) in &incoming {
        match current.get(number) {
            None => diff.new.push((*after).clone()),
            Some(before) if before == after => diff.unchanged.push((*number).clone()),
            Some(before) => diff.changed.push(SiteChange {
                before: (*before).clone(),
                after: (*after).clone(),
            }),
        }
    }
    for (number, before) in &current {
        if !incoming.contains_key(number) {
            diff.removed.push((*before).clone());
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "standortnummer;haupt_ik;krankenhaus;standort;strasse;plz;ort;land;gueltig_von;gueltig_bis";

    fn file(rows: &[&str]) -> String {
        let mut text = String::from("\u{feff}");
        text.push_str(HEADER);
        text.push_str("\r\n");
        for row in rows {
            text.push_str(row);
            text.push_str("\r\n");
        }
        text
    }

    const ROW_1: &str = "773081000;261500416;Klinikum Elbaue;Haus Nord;Am Stadtpark 1;39104;Magdeburg;Sachsen-Anhalt;01.01.2020;";
    const ROW_2: &str = "773082000;261500416;Klinikum Elbaue;Haus Süd;\"Straße \"\"Am Dom\"\"; 3\";39106;Magdeburg;Sachsen-Anhalt;01.01.2020;31.12.2030";

    #[test]
    fn parses_valid_rows() {
        let entries = parse_site_directory(&file(&[ROW_1, ";;;;;;;;;", ROW_2])).expect("valid");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].site_number.as_str(), "773081000");
        assert_eq!(entries[0].main_ik.as_str(), "261500416");
        assert_eq!(entries[0].land, Land::SachsenAnhalt);
        assert_eq!(entries[0].valid_until, None);
        assert_eq!(entries[1].street, "Straße \"Am Dom\"; 3");
        assert_eq!(
            entries[1].valid_until.map(Date::to_german).as_deref(),
            Some("31.12.2030")
        );
        // Write and read back.
        assert_eq!(
            parse_site_directory(&write_site_directory(&entries)),
            Ok(entries.clone())
        );
        assert_eq!(
            sites_of(&entries, &Ik::parse("261500416").expect("valid")).len(),
            2
        );
    }

    #[test]
    fn every_field_error_is_reported_with_line_and_column() {
        let bad =
            "773081300;261500417; ;Haus;Weg 1;3910;Magdeburg;Sachsen Anhalt;31.02.2020;01.01.2019";
        let errors = parse_site_directory(&file(&[ROW_1, bad])).expect_err("invalid");
        let summary: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (3, "standortnummer", "site_digit7"),
                (3, "haupt_ik", "check_digit"),
                (3, "krankenhaus", "required"),
                (3, "plz", "format"),
                (3, "land", "unknown_land"),
                (3, "gueltig_von", "no_such_date"),
            ]
        );
        assert_eq!(
            errors[4].message,
            "„Sachsen Anhalt“ ist kein deutsches Land; erwartet wird der Name eines der 16 Länder, z. B. „Niedersachsen“."
        );
        let until_before = "773083000;261500416;K;S;W;39104;M;Sachsen-Anhalt;01.01.2020;31.12.2019";
        let errors = parse_site_directory(&file(&[until_before])).expect_err("invalid");
        assert_eq!(
            errors,
            vec![LineError {
                line: 2,
                field: "gueltig_bis".into(),
                code: "date_before".into(),
                message: "Das Ende der Gültigkeit (31.12.2019) liegt vor dem Beginn der Gültigkeit (01.01.2020).".into(),
            }]
        );
        let errors = parse_site_directory(&file(&[
            "773083000;261500416;K;S;W;39104;M;Bayern;2020-01-01;",
        ]))
        .expect_err("ISO date");
        assert_eq!(errors[0].message, "Datum im Format TT.MM.JJJJ erwartet.");
    }

    #[test]
    fn duplicates_field_counts_and_headers() {
        let errors = parse_site_directory(&file(&[ROW_1, ROW_2, ROW_1])).expect_err("duplicate");
        assert_eq!(
            errors,
            vec![LineError {
                line: 4,
                field: "standortnummer".into(),
                code: "duplicate".into(),
                message: "773081000 kommt bereits in Zeile 2 vor.".into(),
            }]
        );
        let errors = parse_site_directory(&file(&["773081000;261500416;K"])).expect_err("short");
        assert_eq!(errors[0].message, "Die Zeile hat 3 Felder, erwartet 10.");
        let errors = parse_site_directory(&file(&[])).expect_err("empty");
        assert_eq!(errors[0].code, "no_data_rows");
        assert_eq!(
            parse_site_directory("").map_err(|e| e[0].code.clone()),
            Err("no_data_rows".to_owned())
        );
        let errors =
            parse_site_directory("standortnummer;ik\n773081000;261500416\n").expect_err("header");
        assert_eq!(
            errors[0].message,
            "Unbekannte Spalte „ik“ in der Kopfzeile."
        );
        assert_eq!(errors.len(), 10);
        // Columns in another order and case are fine.
        let reordered = "HAUPT_IK;standortnummer;krankenhaus;standort;strasse;plz;ort;land;gueltig_von;gueltig_bis\n261500416;773081000;K;S;W;39104;M;Sachsen-Anhalt;01.01.2020;\n";
        assert_eq!(
            parse_site_directory(reordered).map(|e| e[0].site_number.as_str().to_owned()),
            Ok("773081000".to_owned())
        );
    }

    #[test]
    fn lands() {
        assert_eq!(Land::ALL.len(), 16);
        assert_eq!(Land::from_name(" thüringen "), Ok(Land::Thueringen));
        assert_eq!(
            Land::from_name("Baden-Württemberg"),
            Ok(Land::BadenWuerttemberg)
        );
        assert_eq!(Land::from_name(""), Err(ValidationError::Required));
        assert_eq!(Land::Niedersachsen.region_code(), "03");
        assert_eq!(Land::Thueringen.region_code(), "16");
        assert_eq!(Land::SachsenAnhalt.region_code(), "15");
        assert_eq!(
            serde_json::to_string(&Land::BadenWuerttemberg).expect("serialises"),
            "\"Baden-Württemberg\""
        );
        for land in Land::ALL {
            assert_eq!(Land::from_name(land.name()), Ok(land));
        }
    }

    #[test]
    fn diff_is_keyed_by_site_number_and_idempotent() {
        let current = parse_site_directory(&file(&[ROW_1, ROW_2])).expect("valid");
        assert!(diff_sites(&current, &current).is_empty());
        assert_eq!(diff_sites(&current, &current).unchanged.len(), 2);

        let mut incoming = current.clone();
        incoming[0].city = "Magdeburg-Nord".into();
        incoming.remove(1);
        let new = parse_site_directory(&file(&[
            "773686000;260326822;Klinikum Leineufer;Hauptstandort;Leineweg 5;30159;Hannover;Niedersachsen;01.01.2019;",
        ]))
        .expect("valid");
        incoming.extend(new.clone());
        let diff = diff_sites(&current, &incoming);
        assert_eq!(diff.new, new);
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(diff.changed[0].before.city, "Magdeburg");
        assert_eq!(diff.changed[0].after.city, "Magdeburg-Nord");
        assert_eq!(diff.removed, vec![current[1].clone()]);
        assert!(diff.unchanged.is_empty());
        assert!(!diff.is_empty());
        // The second import of the same file changes nothing.
        assert!(diff_sites(&incoming, &incoming).is_empty());
    }
}
