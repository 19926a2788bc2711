//! A hospital's whole directory as one answer: the database's JSON array of stored records
//! (`[id, version, form, request_state]` each, see [`store::physicians_json`]) turned into the
//! packed table's bytes in one pass, without building a [`PhysicianRecord`] per row; and the
//! CPU-heavy parts of the large answers run off the async runtime's workers.
//!
//! The output is byte for byte what serialising [`PhysicianTable::new`] of the records gives
//! (see the tests): the stored form is read as `PhysicianForm` reads it (missing fields are
//! their defaults, unknown ones are ignored, the ANR's grouping is normalised), names and site
//! numbers are borrowed from the database's text, dates become day numbers without a string
//! per date, and a mismatch state shows the hospital only which fields differ.
//!
//! [`store::physicians_json`]: super::store::physicians_json
//! [`PhysicianRecord`]: le_domain::directory::PhysicianRecord
//! [`PhysicianTable::new`]: le_domain::api::directory::PhysicianTable::new
use std::borrow::Cow;
use std::fmt;

use axum::response::IntoResponse;
use le_domain::directory::{Date, PACKED_COLUMNS, PackedRow, RequestState, Sex};
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::store::for_hospital;
use crate::error::AppError;

/// Runs CPU-heavy work (parsing and serialising tens of MB) on the blocking pool, so that the
/// runtime's workers keep answering other requests meanwhile.
pub async fn off_the_workers<T, F>(work: F) -> Result<T, AppError>
where
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal("blocking task", e))?
}

/// How a large answer is sent: compressed here, in the blocking task that wrote it, rather than
/// by the compression layer while the runtime's workers poll the body (the layer leaves answers
/// with a `Content-Encoding` alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// Brotli's quality for large answers: the 7.5 MB table of 50,000 records in about a fifth of
/// the time of the layer's quality 4 (some 35 ms instead of 200 ms) for a quarter more bytes
/// (0.45 MB instead of 0.36 MB; figures: `bench-directory`).
pub const BROTLI_QUALITY: u32 = 1;
/// Gzip's level for large answers (for clients without brotli): 1.0 MB in some 25 ms, where
/// level 6 takes 140 ms for 0.64 MB.
pub const GZIP_LEVEL: u32 = 1;

impl Encoding {
    /// The best encoding `headers`' `Accept-Encoding` allows: brotli, then gzip (a coding with
    /// `q=0` is refused), else none.
    pub fn accepted(headers: &axum::http::HeaderMap) -> Encoding {
        let mut best = Encoding::Identity;
        for value in headers.get_all(axum::http::header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default();
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                if name.eq_ignore_ascii_case("br") {
                    best = Encoding::Brotli;
                } else if name.eq_ignore_ascii_case("gzip") && best == Encoding::Identity {
                    best = Encoding::Gzip;
                }
            }
        }
        best
    }

    /// `body` encoded with brotli of `quality` or gzip of `level` (0 to 11, 0 to 9).
    pub fn encode(self, body: Vec<u8>, quality: u32) -> std::io::Result<Vec<u8>> {
        use std::io::Write as _;
        match self {
            Encoding::Identity => Ok(body),
            Encoding::Brotli => {
                let mut w = brotli::CompressorWriter::new(
                    Vec::with_capacity(body.len() / 8),
                    64 * 1024,
                    quality,
                    22,
                );
                w.write_all(&body)?;
                Ok(w.into_inner())
            }
            Encoding::Gzip => {
                let mut w = flate2::write::GzEncoder::new(
                    Vec::with_capacity(body.len() / 8),
                    flate2::Compression::new(quality),
                );
                w.write_all(&body)?;
                w.finish()
            }
        }
    }

    /// `body` encoded at this server's level for large answers.
    pub fn compress(self, body: Vec<u8>) -> Result<Vec<u8>, AppError> {
        let level = match self {
            Encoding::Brotli => BROTLI_QUALITY,
            _ => GZIP_LEVEL,
        };
        self.encode(body, level)
            .map_err(|e| AppError::internal("compression", e))
    }

    fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// A JSON answer of bytes serialised (and encoded as `encoding`) beforehand.
pub fn json_response(body: Vec<u8>, encoding: Encoding) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut res = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        body,
    )
        .into_response();
    if let Some(coding) = encoding.header_value() {
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    res
}

/// The packed table (`{"columns":[…],"rows":[…],"total":n}`) of the stored records in
/// `stored` (a JSON array as [`super::store::physicians_json`] gives it), in their order.
pub fn packed_table(stored: &str) -> Result<Vec<u8>, serde_json::Error> {
    // Packed rows are about a third of the stored text.
    let mut out = Vec::with_capacity(stored.len() / 3 + 1024);
    out.extend_from_slice(b"{\"columns\":");
    serde_json::to_writer(&mut out, &PACKED_COLUMNS)?;
    out.extend_from_slice(b",\"rows\":[");
    let mut de = serde_json::Deserializer::from_str(stored);
    let total = de.deserialize_seq(PackRows { out: &mut out })?;
    de.end()?;
    out.extend_from_slice(b"],\"total\":");
    out.extend_from_slice(total.to_string().as_bytes());
    out.push(b'}');
    Ok(out)
}

/// Writes each stored row as a packed row as soon as it is read; answers how many there were.
struct PackRows<'o> {
    out: &'o mut Vec<u8>,
}

impl<'de> Visitor<'de> for PackRows<'_> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of stored physician records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut total = 0u64;
        while let Some(row) = seq.next_element::<StoredRow<'de>>()? {
            if total > 0 {
                self.out.push(b',');
            }
            serde_json::to_writer(&mut *self.out, &row).map_err(de::Error::custom)?;
            total += 1;
        }
        Ok(total)
    }
}

impl<'de> DeserializeSeed<'de> for PackRows<'_> {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_seq(self)
    }
}

/// One stored record: `[id, version, form, request_state]`.
#[derive(Deserialize)]
struct StoredRow<'a>(
    i64,
    i64,
    #[serde(borrow)] StoredForm<'a>,
    #[serde(deserialize_with = "hospital_view")] RequestState,
);

fn hospital_view<'de, D: Deserializer<'de>>(d: D) -> Result<RequestState, D::Error> {
    RequestState::deserialize(d).map(for_hospital)
}

/// The stored `PhysicianForm` with its strings borrowed where the text has no escapes.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredForm<'a> {
    #[serde(deserialize_with = "le_domain::numbers::as_typed::option")]
    anr: Option<String>,
    sex: Option<Sex>,
    doctoral_title: bool,
    #[serde(borrow)]
    last_name: Cow<'a, str>,
    #[serde(borrow)]
    first_name: Cow<'a, str>,
    birth_date: Day,
    state_exam_date: Day,
    licence_date: Day,
    doctorate_date: Day,
    #[serde(borrow)]
    specialties: Vec<StoredSpecialty<'a>>,
    #[serde(borrow)]
    sites: Vec<StoredSite<'a>>,
    all_sites: bool,
    all_sites_start: Day,
    all_sites_end: Day,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredSpecialty<'a> {
    date: Day,
    #[serde(borrow)]
    code: Cow<'a, str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredSite<'a> {
    #[serde(borrow)]
    site_number: Cow<'a, str>,
    start: Day,
    end: Day,
}

/// A stored date (strict ISO or `null`, as `Option<Date>` reads it), read in place.
#[derive(Default, Clone, Copy)]
struct Day(Option<Date>);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an ISO date or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Day, E> {
                Ok(Day(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Day, E> {
                Ok(Day(None))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Day, D2::Error> {
                d.deserialize_str(V)
            }
            // Read in place: no string per date.
            fn visit_str<E: de::Error>(self, iso: &str) -> Result<Day, E> {
                Date::parse_iso(iso)
                    .map(|date| Day(Some(date)))
                    .map_err(E::custom)
            }
        }
        d.deserialize_option(V)
    }
}

impl Serialize for StoredRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let StoredRow(id, version, f, request_state) = self;
        PackedRow {
            id: *id,
            version: *version,
            anr: f.anr.as_deref(),
            sex: f.sex,
            doctoral_title: f.doctoral_title,
            last_name: &f.last_name,
            first_name: &f.first_name,
            birth_date: f.birth_date.0,
            state_exam_date: f.state_exam_date.0,
            licence_date: f.licence_date.0,
            doctorate_date: f.doctorate_date.0,
            specialties: f.specialties.iter().map(|e| (&*e.code, e.date.0)),
            sites: f
                .sites
                .iter()
                .map(|a| (&*a.site_number, a.start.0, a.end.0)),
            all_sites: f.all_sites,
            all_sites_start: f.all_sites_start.0,
            all_sites_end: f.all_sites_end.0,
            request_state,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use le_domain::api::directory::PhysicianTable;
    use le_domain::directory::{
        Difference, IdentityField, PhysicianForm, PhysicianRecord, SiteAssignment, SpecialtyEntry,
    };

    use super::*;

    fn d(s: &str) -> Option<Date> {
        Some(Date::parse_iso(s).expect("valid date"))
    }

    /// Records covering every column: escapes in names, dates at the ends of the range, empty
    /// lists, each request state (a mismatch with the registry's values).
    fn records() -> Vec<PhysicianRecord> {
        let full = PhysicianRecord {
            id: 7,
            version: 3,
            form: PhysicianForm {
                anr: Some("838382202".into()),
                sex: Some(Sex::Female),
                doctoral_title: true,
                last_name: "Müller-Lüdenscheidt \\ \u{1F600}".into(),
                first_name: "Änne \"Anni\"\n".into(),
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
                    registry_value: Some("02.03.1901".into()),
                }],
            },
        };
        let mut states = vec![
            RequestState::NotRequested,
            RequestState::Requested,
            RequestState::Issued,
            RequestState::Matched,
        ]
        .into_iter();
        let mut all = vec![full];
        for id in 8..12 {
            all.push(PhysicianRecord {
                id,
                version: 1,
                form: PhysicianForm {
                    last_name: format!("Name{id}"),
                    ..PhysicianForm::default()
                },
                request_state: states.next().unwrap_or_default(),
            });
        }
        all
    }

    /// The array the database hands over: each record's stored texts.
    fn stored(records: &[PhysicianRecord], form_json: impl Fn(&PhysicianForm) -> String) -> String {
        let rows: Vec<String> = records
            .iter()
            .map(|r| {
                format!(
                    "[{},{},{},{}]",
                    r.id,
                    r.version,
                    form_json(&r.form),
                    serde_json::to_string(&r.request_state).expect("state")
                )
            })
            .collect();
        format!("[{}]", rows.join(","))
    }

    /// What the table gave before: records as the hospital sees them, serialised.
    fn expected(records: Vec<PhysicianRecord>) -> Vec<u8> {
        let seen = records
            .into_iter()
            .map(|r| PhysicianRecord {
                request_state: for_hospital(r.request_state),
                ..r
            })
            .collect();
        serde_json::to_vec(&PhysicianTable::new(seen)).expect("serialises")
    }

    #[test]
    fn the_packed_table_is_byte_for_byte_the_serialised_records() {
        let compact = stored(&records(), |f| serde_json::to_string(f).expect("form"));
        assert_eq!(packed_table(&compact).expect("packs"), expected(records()));
        // PostgreSQL's jsonb writes spaces and its own key order; the table is the same.
        let spaced = stored(&records(), |f| {
            let value = serde_json::to_value(f).expect("form");
            let mut keys: Vec<(String, serde_json::Value)> = value
                .as_object()
                .expect("object")
                .clone()
                .into_iter()
                .collect();
            keys.reverse();
            let fields: Vec<String> = keys
                .iter()
                .map(|(k, v)| format!("{}: {}", serde_json::json!(k), v))
                .collect();
            format!("{{{}}}", fields.join(", "))
        });
        assert_eq!(packed_table(&spaced).expect("packs"), expected(records()));
        assert_eq!(packed_table("[]").expect("packs"), expected(Vec::new()));
    }

    #[test]
    fn the_hospital_sees_which_fields_differ_never_the_registry_values() {
        let table = packed_table(&stored(&records(), |f| {
            serde_json::to_string(f).expect("form")
        }))
        .expect("packs");
        let text = String::from_utf8(table).expect("utf-8");
        assert!(text.contains("01.03.1901"), "{text}");
        assert!(!text.contains("02.03.1901"), "{text}");
    }

    #[test]
    fn stored_forms_read_as_the_domain_reads_them() {
        // Older forms lack newer fields (defaults), carry unknown ones (ignored) and a grouped
        // ANR (normalised); the table agrees with the records the domain type reads.
        let form = r#"{"anr":"838 382 202","last_name":"Alt","legacy":{"x":[1]},"sites":[{"site_number":"773081000"}],"specialties":[{"code":"01"}]}"#;
        let stored = format!(r#"[[5,2,{form},{{"state":"issued"}}]]"#);
        let record = PhysicianRecord {
            id: 5,
            version: 2,
            form: serde_json::from_str(form).expect("domain reads it"),
            request_state: RequestState::Issued,
        };
        assert_eq!(
            packed_table(&stored).expect("packs"),
            expected(vec![record])
        );
    }

    #[test]
    fn brotli_is_preferred_and_a_refused_coding_is_never_used() {
        let accepted = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                axum::http::header::ACCEPT_ENCODING,
                value.parse().expect("header value"),
            );
            Encoding::accepted(&headers)
        };
        assert_eq!(accepted("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(accepted("br;q=0.5, gzip;q=1.0"), Encoding::Brotli);
        assert_eq!(accepted("gzip, br;q=0"), Encoding::Gzip);
        assert_eq!(accepted("GZIP"), Encoding::Gzip);
        assert_eq!(accepted("deflate, identity"), Encoding::Identity);
        assert_eq!(accepted("br;q=0.0, gzip; q=0"), Encoding::Identity);
        assert_eq!(
            Encoding::accepted(&axum::http::HeaderMap::new()),
            Encoding::Identity
        );
    }

    #[test]
    fn compressed_tables_decompress_to_the_same_bytes() {
        use std::io::Read as _;
        let table = expected(records());
        let br = Encoding::Brotli.compress(table.clone()).expect("brotli");
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .expect("brotli reads back");
        assert_eq!(back, table);
        let gz = Encoding::Gzip.compress(table.clone()).expect("gzip");
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .expect("gzip reads back");
        assert_eq!(back, table);
    }

    #[test]
    fn malformed_stored_records_are_errors() {
        for bad in [
            r#"[[1,1,{"birth_date":"01.02.1990"},{"state":"issued"}]]"#,
            r#"[[1,1,{},{"state":"unheard_of"}]]"#,
            r#"[[1,1,{}]]"#,
            r#"[[1,1,{},{"state":"issued"}]] trailing"#,
        ] {
            assert!(packed_table(bad).is_err(), "{bad}");
        }
    }
}
