//! The packed wire form of physician records for the grid ([`PackedRecords`]): one JSON array
//! per record with the fields in [`PACKED_COLUMNS`] order, dates as day numbers. The same data as
//! the keyed form, in about a third of the bytes; decoded straight into [`PhysicianRecord`]s
//! (no intermediate copies), since at 50,000 records the decoding is most of the grid's load.
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

use super::date::Date;
use super::parts::{Sex, SiteAssignment};
use super::physician::{PhysicianForm, PhysicianRecord, RequestState, SpecialtyEntry};

/// The fields of one packed record, in order. Dates are days since 1970-01-01 (`null` when
/// absent); `specialties` is a list of `[code, date]`, `sites` of `[site_number, start, end]`.
pub const PACKED_COLUMNS: [&str; 17] = [
    "id",
    "version",
    "anr",
    "sex",
    "doctoral_title",
    "last_name",
    "first_name",
    "birth_date",
    "state_exam_date",
    "licence_date",
    "doctorate_date",
    "specialties",
    "sites",
    "all_sites",
    "all_sites_start",
    "all_sites_end",
    "request_state",
];

/// Records that serialise in the packed form (see the module). The list keeps the order it is
/// given (the server's display order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackedRecords(pub Vec<PhysicianRecord>);

/// A date as its day number (or `null`).
struct Day(Option<Date>);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(d) => s.serialize_i32(d.day_number()),
            None => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<i32>::deserialize(d)? {
            None => Ok(Day(None)),
            Some(n) => Date::from_day_number(n)
                .map(|date| Day(Some(date)))
                .ok_or_else(|| de::Error::custom(format!("day number {n} out of range"))),
        }
    }
}

/// One packed row with its fields borrowed: the one place that fixes a row's layout
/// ([`PACKED_COLUMNS`] order, dates as day numbers). [`PackedRecords`] writes its records through
/// it, and so does the server's table written straight from the stored texts.
pub struct PackedRow<'a, Sp, Si> {
    pub id: i64,
    pub version: i64,
    pub anr: Option<&'a str>,
    pub sex: Option<Sex>,
    pub doctoral_title: bool,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub birth_date: Option<Date>,
    pub state_exam_date: Option<Date>,
    pub licence_date: Option<Date>,
    pub doctorate_date: Option<Date>,
    /// `(code, date)` per specialty.
    pub specialties: Sp,
    /// `(site number, start, end)` per assignment.
    pub sites: Si,
    pub all_sites: bool,
    pub all_sites_start: Option<Date>,
    pub all_sites_end: Option<Date>,
    pub request_state: &'a RequestState,
}

/// Specialties as `[code, date]` lists.
struct SpecialtiesOut<I>(I);

impl<'a, I> Serialize for SpecialtiesOut<I>
where
    I: ExactSizeIterator<Item = (&'a str, Option<Date>)> + Clone,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (code, date) in self.0.clone() {
            seq.serialize_element(&(code, Day(date)))?;
        }
        seq.end()
    }
}

/// Site assignments as `[site_number, start, end]` lists.
struct SitesOut<I>(I);

impl<'a, I> Serialize for SitesOut<I>
where
    I: ExactSizeIterator<Item = (&'a str, Option<Date>, Option<Date>)> + Clone,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (site, start, end) in self.0.clone() {
            seq.serialize_element(&(site, Day(start), Day(end)))?;
        }
        seq.end()
    }
}

impl<'a, Sp, Si> Serialize for PackedRow<'a, Sp, Si>
where
    Sp: ExactSizeIterator<Item = (&'a str, Option<Date>)> + Clone,
    Si: ExactSizeIterator<Item = (&'a str, Option<Date>, Option<Date>)> + Clone,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(PACKED_COLUMNS.len())?;
        t.serialize_element(&self.id)?;
        t.serialize_element(&self.version)?;
        t.serialize_element(&self.anr)?;
        t.serialize_element(&self.sex)?;
        t.serialize_element(&self.doctoral_title)?;
        t.serialize_element(self.last_name)?;
        t.serialize_element(self.first_name)?;
        t.serialize_element(&Day(self.birth_date))?;
        t.serialize_element(&Day(self.state_exam_date))?;
        t.serialize_element(&Day(self.licence_date))?;
        t.serialize_element(&Day(self.doctorate_date))?;
        t.serialize_element(&SpecialtiesOut(self.specialties.clone()))?;
        t.serialize_element(&SitesOut(self.sites.clone()))?;
        t.serialize_element(&self.all_sites)?;
        t.serialize_element(&Day(self.all_sites_start))?;
        t.serialize_element(&Day(self.all_sites_end))?;
        t.serialize_element(self.request_state)?;
        t.end()
    }
}

impl Serialize for PackedRecords {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for r in &self.0 {
            let f = &r.form;
            seq.serialize_element(&PackedRow {
                id: r.id,
                version: r.version,
                anr: f.anr.as_deref(),
                sex: f.sex,
                doctoral_title: f.doctoral_title,
                last_name: &f.last_name,
                first_name: &f.first_name,
                birth_date: f.birth_date,
                state_exam_date: f.state_exam_date,
                licence_date: f.licence_date,
                doctorate_date: f.doctorate_date,
                specialties: f.specialties.iter().map(|e| (e.code.as_str(), e.date)),
                sites: f
                    .sites
                    .iter()
                    .map(|a| (a.site_number.as_str(), a.start, a.end)),
                all_sites: f.all_sites,
                all_sites_start: f.all_sites_start,
                all_sites_end: f.all_sites_end,
                request_state: &r.request_state,
            })?;
        }
        seq.end()
    }
}

/// Reads a list of packed specialties straight into entries.
struct SpecialtyList(Vec<SpecialtyEntry>);

impl<'de> Deserialize<'de> for SpecialtyList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpecialtyList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of [code, date]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SpecialtyList, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some((code, date)) = seq.next_element::<(String, Day)>()? {
                    out.push(SpecialtyEntry { code, date: date.0 });
                }
                Ok(SpecialtyList(out))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Reads a list of packed site assignments straight into assignments.
struct SiteList(Vec<SiteAssignment>);

impl<'de> Deserialize<'de> for SiteList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SiteList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of [site_number, start, end]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SiteList, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some((site_number, start, end)) =
                    seq.next_element::<(String, Day, Day)>()?
                {
                    out.push(SiteAssignment {
                        site_number,
                        start: start.0,
                        end: end.0,
                    });
                }
                Ok(SiteList(out))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Reads one packed record.
struct RowIn(PhysicianRecord);

impl<'de> Deserialize<'de> for RowIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RowIn;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a packed physician record of {} fields",
                    PACKED_COLUMNS.len()
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RowIn, A::Error> {
                let mut at = 0usize;
                let mut next = || {
                    at += 1;
                    at - 1
                };
                macro_rules! field {
                    ($t:ty) => {{
                        let i = next();
                        seq.next_element::<$t>()?
                            .ok_or_else(|| de::Error::invalid_length(i, &self))?
                    }};
                }
                let id = field!(i64);
                let version = field!(i64);
                let anr = field!(Option<String>);
                let sex = field!(Option<Sex>);
                let doctoral_title = field!(bool);
                let last_name = field!(String);
                let first_name = field!(String);
                let birth_date = field!(Day).0;
                let state_exam_date = field!(Day).0;
                let licence_date = field!(Day).0;
                let doctorate_date = field!(Day).0;
                let specialties = field!(SpecialtyList).0;
                let sites = field!(SiteList).0;
                let all_sites = field!(bool);
                let all_sites_start = field!(Day).0;
                let all_sites_end = field!(Day).0;
                let request_state = field!(RequestState);
                Ok(RowIn(PhysicianRecord {
                    id,
                    version,
                    form: PhysicianForm {
                        anr,
                        sex,
                        doctoral_title,
                        last_name,
                        first_name,
                        birth_date,
                        state_exam_date,
                        licence_date,
                        doctorate_date,
                        specialties,
                        sites,
                        all_sites,
                        all_sites_start,
                        all_sites_end,
                    },
                    request_state,
                }))
            }
        }
        d.deserialize_tuple(PACKED_COLUMNS.len(), V)
    }
}

impl<'de> Deserialize<'de> for PackedRecords {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PackedRecords;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of packed physician records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PackedRecords, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(RowIn(r)) = seq.next_element()? {
                    out.push(r);
                }
                Ok(PackedRecords(out))
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::directory::{PhysicianList, PhysicianTable};
    use crate::directory::{Difference, IdentityField};

    fn d(s: &str) -> Option<Date> {
        Some(Date::parse(s).expect("valid date"))
    }

    fn records() -> Vec<PhysicianRecord> {
        let full = PhysicianRecord {
            id: 7,
            version: 3,
            form: PhysicianForm {
                anr: Some("838382202".into()),
                sex: Some(Sex::Female),
                doctoral_title: true,
                last_name: "Müller-Lüdenscheidt".into(),
                first_name: "Änne \"Anni\"".into(),
                birth_date: d("1901-03-01"),
                state_exam_date: d("1926-06-30"),
                licence_date: d("1927-01-01"),
                doctorate_date: d("1928-02-29"),
                specialties: vec![
                    SpecialtyEntry {
                        code: "01".into(),
                        date: d("1930-01-01"),
                    },
                    SpecialtyEntry {
                        code: "".into(),
                        date: None,
                    },
                ],
                sites: vec![
                    SiteAssignment {
                        site_number: "773081000".into(),
                        start: d("1969-12-31"),
                        end: None,
                    },
                    SiteAssignment {
                        site_number: " 77308 ".into(),
                        start: None,
                        end: d("9999-12-31"),
                    },
                ],
                all_sites: true,
                all_sites_start: d("0001-01-01"),
                all_sites_end: d("2026-12-31"),
            },
            request_state: RequestState::Mismatch {
                differences: vec![Difference {
                    field: IdentityField::BirthDate,
                    directory_value: "01.03.1901".into(),
                    registry_value: None,
                }],
            },
        };
        let empty = PhysicianRecord {
            id: 8,
            version: 1,
            form: PhysicianForm::default(),
            request_state: RequestState::Issued,
        };
        vec![full, empty]
    }

    #[test]
    fn a_table_reads_back_as_the_same_records_in_the_same_order() {
        let table = PhysicianTable::new(records());
        let json = serde_json::to_string(&table).expect("serialises");
        let back: PhysicianTable = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back.rows.0, records());
        assert_eq!(back.columns, PACKED_COLUMNS);
    }

    #[test]
    fn a_row_is_an_array_in_column_order_with_dates_as_day_numbers() {
        let table = PhysicianTable::new(records());
        let json = serde_json::to_value(&table).expect("serialises");
        let row = &json["rows"][0];
        assert_eq!(row.as_array().map(Vec::len), Some(PACKED_COLUMNS.len()));
        assert_eq!(row[0], 7);
        assert_eq!(row[5], "Müller-Lüdenscheidt");
        // 1969-12-31 is day -1, 1970-01-01 would be 0.
        assert_eq!(row[12][0], serde_json::json!(["773081000", -1, null]));
        assert_eq!(row[16]["state"], "mismatch");
    }

    #[test]
    fn the_table_is_far_smaller_than_the_keyed_list() {
        let many: Vec<PhysicianRecord> = (0..100)
            .flat_map(|i| {
                records().into_iter().map(move |mut r| {
                    r.id += i * 2;
                    r
                })
            })
            .collect();
        let table = serde_json::to_vec(&PhysicianTable::new(many.clone())).expect("table");
        let list = serde_json::to_vec(&PhysicianList { physicians: many }).expect("list");
        assert!(
            table.len() * 2 < list.len(),
            "table {} bytes, list {} bytes",
            table.len(),
            list.len()
        );
    }

    #[test]
    fn a_table_of_the_first_rows_knows_that_more_follow() {
        let all = PhysicianTable::new(records());
        assert_eq!(all.total, 2);
        assert!(all.is_complete());
        let first = PhysicianTable::first_of(records()[..1].to_vec(), 2);
        assert!(!first.is_complete());
        let json = serde_json::to_value(&first).expect("serialises");
        assert_eq!(json["total"], 2);
        assert_eq!(json["rows"].as_array().map(Vec::len), Some(1));
        // An answer without `total` (from a server before it) is the whole table.
        let older: PhysicianTable =
            serde_json::from_str(r#"{"rows":[]}"#).expect("reads an answer without total");
        assert!(older.is_complete());
    }

    #[test]
    fn malformed_rows_are_refused() {
        for bad in [
            // a field short
            r#"{"rows":[[1,1,null,null,false,"A","B",null,null,null,null,[],[],false,null,null]]}"#,
            // a day number beyond 9999-12-31
            r#"{"rows":[[1,1,null,null,false,"A","B",99999999,null,null,null,[],[],false,null,null,{"state":"issued"}]]}"#,
            // a site without its dates
            r#"{"rows":[[1,1,null,null,false,"A","B",null,null,null,null,[],[["773081000"]],false,null,null,{"state":"issued"}]]}"#,
        ] {
            assert!(
                serde_json::from_str::<PhysicianTable>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
