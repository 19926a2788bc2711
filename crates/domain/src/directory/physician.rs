//! The physician record of the directory (seed 003's field list) and its validation rules.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::identity::{Difference, Identity};
pub(crate) use super::parts::display_date;
pub use super::parts::{EMPTY_VALUE, OPEN_END, Sex, SiteAssignment};
use super::periods::{ActivityPeriod, activity_periods};
use super::specialty::SpecialtyCatalog;
use crate::error::{FieldError, ValidationError};
use crate::numbers::{Anr, SiteNumber};

/// Youngest plausible age (full years) at the state exam.
pub const MIN_AGE_AT_STATE_EXAM: i32 = 18;

/// Most characters of a last or first name.
pub const NAME_MAX_CHARS: usize = 100;

/// How many days ahead an assignment may start (a hire on the 1st of a coming month is entered
/// in advance; a start further out is more likely a typo).
pub const MAX_START_DAYS_AHEAD: i32 = 365;

/// Earliest plausible birth date (catches typos like 1087 for 1987).
pub const EARLIEST_BIRTH_DATE: Date = Date::from_ymd_const(1900, 1, 1);

/// One specialist recognition (Facharztanerkennung): its date and field.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SpecialtyEntry {
    pub date: Option<Date>,
    /// Two-digit code from the [`SpecialtyCatalog`].
    pub code: String,
}

/// What a hospital enters about a physician (JSON keys are the field names of errors).
///
/// Specialties are kept in entry order: the first one decides digits 8–9 of a new ANR.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PhysicianForm {
    /// Known ANR (e.g. from outpatient care); empty or absent until issued.
    #[serde(deserialize_with = "crate::numbers::as_typed::option")]
    pub anr: Option<String>,
    pub sex: Option<Sex>,
    /// Doctoral title per ID card.
    pub doctoral_title: bool,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<Date>,
    pub state_exam_date: Option<Date>,
    /// Date of the licence (Approbation).
    pub licence_date: Option<Date>,
    pub doctorate_date: Option<Date>,
    pub specialties: Vec<SpecialtyEntry>,
    pub sites: Vec<SiteAssignment>,
    /// Assigned to all sites of the hospital (then `sites` may be empty), from
    /// `all_sites_start` to `all_sites_end` (inclusive; `None` = open) like any assignment.
    pub all_sites: bool,
    pub all_sites_start: Option<Date>,
    pub all_sites_end: Option<Date>,
}

/// The assignments of a record to sites: the list and the "all sites" choice with its period.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Assignments<'a> {
    pub sites: &'a [SiteAssignment],
    pub all_sites: bool,
    pub all_sites_start: Option<Date>,
    pub all_sites_end: Option<Date>,
}

/// How a date is named in messages: nominative and dative with article, "at" phrase.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateName {
    pub nominative: &'static str,
    pub dative: &'static str,
    pub at: &'static str,
}

pub(crate) const BIRTH: DateName = DateName {
    nominative: "Das Geburtsdatum",
    dative: "dem Geburtsdatum",
    at: "Bei der Geburt",
};
pub(crate) const STATE_EXAM: DateName = DateName {
    nominative: "Das Staatsexamen",
    dative: "dem Staatsexamen",
    at: "Beim Staatsexamen",
};
pub(crate) const LICENCE: DateName = DateName {
    nominative: "Die Approbation",
    dative: "der Approbation",
    at: "Bei der Approbation",
};
pub(crate) const DOCTORATE: DateName = DateName {
    nominative: "Die Promotion",
    dative: "der Promotion",
    at: "Bei der Promotion",
};
pub(crate) const RECOGNITION: DateName = DateName {
    nominative: "Die Facharztanerkennung",
    dative: "der Facharztanerkennung",
    at: "Bei der Facharztanerkennung",
};
pub(crate) const SITE_START: DateName = DateName {
    nominative: "Der Beginn der Tätigkeit",
    dative: "dem Beginn der Tätigkeit",
    at: "Beim Beginn der Tätigkeit",
};
pub(crate) const SITE_END: DateName = DateName {
    nominative: "Das Ende der Tätigkeit",
    dative: "dem Ende der Tätigkeit",
    at: "Beim Ende der Tätigkeit",
};
pub(crate) const VALID_FROM: DateName = DateName {
    nominative: "Der Beginn der Gültigkeit",
    dative: "dem Beginn der Gültigkeit",
    at: "Beim Beginn der Gültigkeit",
};
pub(crate) const VALID_UNTIL: DateName = DateName {
    nominative: "Das Ende der Gültigkeit",
    dative: "dem Ende der Gültigkeit",
    at: "Beim Ende der Gültigkeit",
};
const EARLIEST: DateName = DateName {
    nominative: "Das früheste zulässige Datum",
    dative: "dem frühesten zulässigen Datum",
    at: "Am frühesten zulässigen Datum",
};

/// `date` must not lie before `reference_date`.
pub(crate) fn check_not_before(
    subject: DateName,
    date: Date,
    reference: DateName,
    reference_date: Date,
) -> Result<(), ValidationError> {
    if date < reference_date {
        Err(ValidationError::DateBefore {
            subject: subject.nominative,
            date: date.to_german(),
            reference: reference.dative,
            reference_date: reference_date.to_german(),
        })
    } else {
        Ok(())
    }
}

/// A start may lie in the future, but at most [`MAX_START_DAYS_AHEAD`] days.
pub(crate) fn check_start_ahead(
    subject: DateName,
    date: Date,
    today: Date,
) -> Result<(), ValidationError> {
    let latest = today.add_days(MAX_START_DAYS_AHEAD);
    if date > latest {
        Err(ValidationError::DateTooFarAhead {
            subject: subject.nominative,
            date: date.to_german(),
            latest: latest.to_german(),
        })
    } else {
        Ok(())
    }
}

/// `date` must not lie after `today`.
pub(crate) fn check_not_future(
    subject: DateName,
    date: Date,
    today: Date,
) -> Result<(), ValidationError> {
    if date > today {
        Err(ValidationError::DateInFuture {
            subject: subject.nominative,
            date: date.to_german(),
        })
    } else {
        Ok(())
    }
}

fn required(date: Option<Date>) -> Result<Date, ValidationError> {
    date.ok_or(ValidationError::Required)
}

/// A last or first name: required, at most [`NAME_MAX_CHARS`], no control characters, and not
/// starting with `=`, `+`, `-` or `@` (which spreadsheet programs would run as a formula when the
/// HR CSV export is opened).
pub fn check_name(name: &str) -> Result<(), ValidationError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(ValidationError::Required);
    }
    // A name no longer in bytes than the limit is within it in characters too (the count is
    // only needed beyond that: a bulk preview checks the names of 50,000 records).
    if n.len() > NAME_MAX_CHARS && n.chars().count() > NAME_MAX_CHARS {
        return Err(ValidationError::TooLong {
            max: NAME_MAX_CHARS,
        });
    }
    if n.starts_with(['=', '+', '-', '@']) || has_control(n) {
        return Err(ValidationError::Format {
            expected: "einen Namen ohne Steuerzeichen, der nicht mit =, +, - oder @ beginnt",
        });
    }
    Ok(())
}

/// Whether `text` holds a control character (`char::is_control`: U+0000–U+001F, U+007F–U+009F),
/// read from the UTF-8 bytes: the first two ranges are single bytes, the last is 0xC2 followed by
/// 0x80–0x9F (0xC2 never continues another character).
fn has_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20
            || b == 0x7f
            || (b == 0xc2
                && bytes
                    .get(i + 1)
                    .is_some_and(|next| (0x80..=0x9f).contains(next)))
    })
}

/// An entered ANR: a valid number that is not a pseudo number (those name no person).
pub fn check_personal_anr(anr: &str) -> Result<Anr, ValidationError> {
    let anr = Anr::parse(anr)?;
    if anr.pseudo().is_some() {
        return Err(ValidationError::NotAllowed {
            what: "eine Pseudo-Arztnummer als persönliche Arztnummer",
        });
    }
    Ok(anr)
}

/// Whether `site` is one of `allowed_sites` or an outpatient unit of one of them.
pub fn site_is_allowed(site: &SiteNumber, allowed_sites: &[SiteNumber]) -> bool {
    let parent = site.parent_site();
    allowed_sites.iter().any(|a| a == site || *a == parent)
}

/// A site of the hospital as the write rules see it: its validity in the national directory, and
/// whether it is still listed there. A site the weekly import removed keeps its existing
/// assignments (they can be ended) but takes no new ones.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct HospitalSite {
    pub site_number: SiteNumber,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub in_directory: bool,
}

impl HospitalSite {
    /// A listed site without known validity (what a bare list of site numbers means).
    pub fn listed(site_number: SiteNumber) -> HospitalSite {
        HospitalSite {
            site_number,
            valid_from: Date::MIN,
            valid_until: None,
            in_directory: true,
        }
    }

    /// The hospital's site that `site` is or belongs to (an outpatient unit to its site).
    pub fn find<'a>(sites: &'a [HospitalSite], site: &SiteNumber) -> Option<&'a HospitalSite> {
        sites.iter().find(|s| s.site_number == *site).or_else(|| {
            let parent = site.parent_site();
            sites.iter().find(|s| s.site_number == parent)
        })
    }
}

/// Whether two inclusive periods (`None` = open end) share at least one day.
/// `sites[2].end` → ("sites", Some(2), Some("end")); `last_name` → ("last_name", None, None).
fn split_path(path: &str) -> (&str, Option<usize>, Option<&str>) {
    let Some((list, rest)) = path.split_once('[') else {
        return (path, None, None);
    };
    let Some((index, rest)) = rest.split_once(']') else {
        return (path, None, None);
    };
    let part = rest.strip_prefix('.').filter(|p| !p.is_empty());
    (list, index.parse().ok(), part)
}

pub(crate) fn periods_overlap(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    let a_before_b_ends = b.1.is_none_or(|end| a.0 <= end);
    let b_before_a_ends = a.1.is_none_or(|end| b.0 <= end);
    a_before_b_ends && b_before_a_ends
}

/// The end of an assignment from `start`: not before the start; where the assignment existed
/// before (`earlier_end`), it may be set or moved earlier but not later or reopened when the site
/// left the directory; a new or extended assignment must end within the site's validity.
fn check_site_end(
    start: Date,
    end: Option<Date>,
    earlier_end: Option<Option<Date>>,
    site: Option<&HospitalSite>,
) -> Result<(), ValidationError> {
    if let Some(end) = end {
        check_not_before(SITE_END, end, SITE_START, start)?;
    }
    let extended = match earlier_end {
        None => true,
        Some(None) => false,
        Some(Some(before)) => end.is_none_or(|e| e > before),
    };
    let Some(site) = site.filter(|_| extended) else {
        return Ok(());
    };
    if !site.in_directory {
        return Err(ValidationError::SiteRemoved {
            site: site.site_number.as_str().to_owned(),
        });
    }
    if let Some(until) = site.valid_until {
        match end {
            None => {
                return Err(ValidationError::SiteValidUntil {
                    site: site.site_number.as_str().to_owned(),
                    until: until.to_german(),
                });
            }
            Some(end) if end > until => {
                return Err(ValidationError::SiteValidUntil {
                    site: site.site_number.as_str().to_owned(),
                    until: until.to_german(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

impl PhysicianForm {
    /// The identity of this record; `None` while birth date or sex is missing.
    pub fn identity(&self) -> Option<Identity> {
        Some(Identity {
            last_name: self.last_name.trim().to_owned(),
            first_name: self.first_name.trim().to_owned(),
            birth_date: self.birth_date?,
            sex: self.sex?,
            licence_date: self.licence_date,
        })
    }
}

impl PhysicianForm {
    /// The German name of a field path of this form, as people read it in previews and error
    /// lists: `sites[0].end` → "Standort 773687000 – Kinderklinik: Ende". `site_name` names a
    /// site number when the caller knows it (a `dyn` callback: one copy of this function in the
    /// browser's code, whatever the callers pass).
    pub fn field_label(&self, path: &str, site_name: &dyn Fn(&str) -> Option<String>) -> String {
        let (list, index, part) = split_path(path);
        match (list, index) {
            ("sites", Some(i)) => {
                let site = self
                    .sites
                    .get(i)
                    .map(|s| s.site_number.trim())
                    .filter(|s| !s.is_empty());
                let who = match site {
                    Some(number) => match site_name(number) {
                        Some(name) => format!("Standort {number} – {name}"),
                        None => format!("Standort {number}"),
                    },
                    None => format!("Standort {}", i + 1),
                };
                match part {
                    Some("start") => format!("{who}: Beginn"),
                    Some("end") => format!("{who}: Ende"),
                    Some("site_number") => format!("{who}: Standortnummer"),
                    _ => who,
                }
            }
            ("specialties", Some(i)) => {
                let which = format!("Fachgebiet {}", i + 1);
                match part {
                    Some("date") => format!("{which}: anerkannt am"),
                    _ => which,
                }
            }
            (key, _) => match key {
                "anr" => "Arztnummer",
                "sex" => "Geschlecht",
                "doctoral_title" => "Dr.-Titel",
                "last_name" => "Nachname",
                "first_name" => "Vorname",
                "birth_date" => "Geburtsdatum",
                "state_exam_date" => "Datum des Staatsexamens",
                "licence_date" => "Datum der Approbation",
                "doctorate_date" => "Datum der Promotion",
                "specialties" => "Fachgebiete",
                "sites" => "Standorte",
                "all_sites" => "An allen Standorten",
                other => other,
            }
            .to_owned(),
        }
    }

    /// The entered ANR, if any (blank counts as none).
    pub fn anr_input(&self) -> Option<&str> {
        self.anr.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// Every rule of the record with the built-in specialty catalog; see [`Self::validate_with`].
    pub fn validate(&self, today: Date, allowed_sites: &[SiteNumber]) -> Vec<FieldError> {
        self.validate_with(today, allowed_sites, SpecialtyCatalog::builtin())
    }

    /// Every rule of the record, at most one error per field, in form order. Field names are the
    /// JSON keys, with indexes for lists (`specialties[1].date`, `sites[0].end`). `allowed_sites`
    /// are the hospital's sites: assignments elsewhere are errors (this is also the scoping).
    pub fn validate_with(
        &self,
        today: Date,
        allowed_sites: &[SiteNumber],
        catalog: &SpecialtyCatalog,
    ) -> Vec<FieldError> {
        let sites: Vec<HospitalSite> = allowed_sites
            .iter()
            .cloned()
            .map(HospitalSite::listed)
            .collect();
        self.validate_change_with(None, today, &sites, catalog)
    }

    /// Every rule of the record as a change of `before` (`None` for a new record), against the
    /// hospital's `sites` with their validity. Assignments already in `before` (same site and
    /// start) are kept as they are even where the site left the directory or its validity
    /// changed since: they may be ended (or ended earlier), never extended there. New
    /// assignments need a site still in the directory, within its validity.
    pub fn validate_change(
        &self,
        before: Option<&PhysicianForm>,
        today: Date,
        sites: &[HospitalSite],
    ) -> Vec<FieldError> {
        self.validate_change_with(before, today, sites, SpecialtyCatalog::builtin())
    }

    fn validate_change_with(
        &self,
        before: Option<&PhysicianForm>,
        today: Date,
        sites: &[HospitalSite],
        catalog: &SpecialtyCatalog,
    ) -> Vec<FieldError> {
        self.validate_assignments_change(self.assignments(), before, today, sites, catalog)
    }

    /// The record's assignments (what a bulk edit of sites changes).
    pub(crate) fn assignments(&self) -> Assignments<'_> {
        Assignments {
            sites: &self.sites,
            all_sites: self.all_sites,
            all_sites_start: self.all_sites_start,
            all_sites_end: self.all_sites_end,
        }
    }

    /// [`Self::validate_change`] of this record with `assignments` in place of its own (a bulk
    /// edit of sites checks its result without a copy of the whole record).
    pub(crate) fn validate_assignments_change(
        &self,
        assignments: Assignments<'_>,
        before: Option<&PhysicianForm>,
        today: Date,
        sites: &[HospitalSite],
        catalog: &SpecialtyCatalog,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        // The field's path is only written out for an error (at 50,000 records a bulk preview
        // validates each one: formatting every path up front cost more than the rules).
        let mut check = |field: &dyn std::fmt::Display, result: Result<(), ValidationError>| {
            if let Err(e) = result {
                errors.push(e.for_field(&field.to_string()));
            }
        };

        if let Some(anr) = self.anr_input() {
            check(&"anr", check_personal_anr(anr).map(|_| ()));
        }
        check(
            &"sex",
            self.sex.map(|_| ()).ok_or(ValidationError::Required),
        );
        check(&"last_name", check_name(&self.last_name));
        check(&"first_name", check_name(&self.first_name));

        let birth = self.birth_date;
        check(
            &"birth_date",
            required(birth).and_then(|b| {
                check_not_future(BIRTH, b, today)?;
                check_not_before(BIRTH, b, EARLIEST, EARLIEST_BIRTH_DATE)
            }),
        );
        check(
            &"state_exam_date",
            required(self.state_exam_date).and_then(|exam| {
                check_not_future(STATE_EXAM, exam, today)?;
                if let Some(birth) = birth {
                    check_not_before(STATE_EXAM, exam, BIRTH, birth)?;
                    let age = exam.full_years_since(birth);
                    if age < MIN_AGE_AT_STATE_EXAM {
                        return Err(ValidationError::MinimumAge {
                            at: STATE_EXAM.at,
                            date: exam.to_german(),
                            age,
                            min: MIN_AGE_AT_STATE_EXAM,
                        });
                    }
                }
                Ok(())
            }),
        );
        check(
            &"licence_date",
            required(self.licence_date).and_then(|licence| {
                check_not_future(LICENCE, licence, today)?;
                match self.state_exam_date {
                    Some(exam) => check_not_before(LICENCE, licence, STATE_EXAM, exam),
                    None => Ok(()),
                }
            }),
        );
        check(
            &"doctorate_date",
            match (self.doctorate_date, self.doctoral_title) {
                (None, true) => Err(ValidationError::DoctorateDateRequired),
                (None, false) => Ok(()),
                (Some(doctorate), _) => {
                    check_not_future(DOCTORATE, doctorate, today).and_then(|()| match birth {
                        Some(birth) => check_not_before(DOCTORATE, doctorate, BIRTH, birth),
                        None => Ok(()),
                    })
                }
            },
        );

        for (i, entry) in self.specialties.iter().enumerate() {
            check(
                &format_args!("specialties[{i}].date"),
                required(entry.date).and_then(|date| {
                    check_not_future(RECOGNITION, date, today)?;
                    match self.licence_date {
                        Some(licence) => check_not_before(RECOGNITION, date, LICENCE, licence),
                        None => Ok(()),
                    }
                }),
            );
            check(
                &format_args!("specialties[{i}].code"),
                catalog.get(&entry.code).map(|_| ()),
            );
        }

        // Parsed site numbers, kept for the overlap check.
        let mut parsed: Vec<Option<SiteNumber>> = Vec::with_capacity(assignments.sites.len());
        for (i, site) in assignments.sites.iter().enumerate() {
            let number = if site.site_number.trim().is_empty() {
                Err(ValidationError::Required)
            } else {
                SiteNumber::parse(&site.site_number)
            };
            // The same assignment as before (site and start): kept even at a removed site.
            let earlier = before.and_then(|b| {
                b.sites.iter().find(|e| {
                    // The same text parses the same (a bulk edit keeps the numbers as they were).
                    e.start == site.start
                        && (e.site_number == site.site_number
                            || SiteNumber::parse(&e.site_number).ok().as_ref()
                                == number.as_ref().ok())
                })
            });
            let known = number
                .as_ref()
                .ok()
                .and_then(|n| HospitalSite::find(sites, n));
            let number = number.and_then(|n| match known {
                None => Err(ValidationError::SiteNotAllowed {
                    site: n.as_str().to_owned(),
                }),
                Some(k) if !k.in_directory && earlier.is_none() => {
                    Err(ValidationError::SiteRemoved {
                        site: n.as_str().to_owned(),
                    })
                }
                Some(_) => Ok(n),
            });
            let overlap = number.as_ref().ok().and_then(|n| {
                let start = site.start?;
                assignments.sites[..i]
                    .iter()
                    .zip(&parsed)
                    .find_map(|(earlier, earlier_number)| {
                        let earlier_start = earlier.start?;
                        (earlier_number.as_ref() == Some(n)
                            && periods_overlap((earlier_start, earlier.end), (start, site.end)))
                        .then(|| ValidationError::SiteOverlap {
                            site: n.as_str().to_owned(),
                            start: earlier_start.to_german(),
                            end: earlier.end.map(Date::to_german),
                        })
                    })
            });
            check(
                &format_args!("sites[{i}].site_number"),
                match (&number, overlap) {
                    (Err(e), _) => Err(e.clone()),
                    (Ok(_), Some(overlap)) => Err(overlap),
                    (Ok(_), None) => Ok(()),
                },
            );
            parsed.push(number.ok());
            let new_here = earlier.is_none();
            check(
                &format_args!("sites[{i}].start"),
                required(site.start).and_then(|start| {
                    if new_here {
                        check_start_ahead(SITE_START, start, today)?;
                        if let Some(k) = known {
                            check_not_before(SITE_START, start, VALID_FROM, k.valid_from)?;
                        }
                    }
                    Ok(())
                }),
            );
            // The end may lie in the future (a planned leaving date).
            if let Some(start) = site.start {
                check(
                    &format_args!("sites[{i}].end"),
                    // A site already refused above is not refused again for the end.
                    check_site_end(
                        start,
                        site.end,
                        earlier.map(|e| e.end),
                        known.filter(|_| parsed[i].is_some()),
                    ),
                );
            }
        }
        if assignments.all_sites {
            let earlier = before
                .filter(|b| b.all_sites && b.all_sites_start == assignments.all_sites_start)
                .map(|b| b.all_sites_end);
            if !sites.iter().any(|s| s.in_directory) && earlier.is_none() {
                check(&"all_sites", Err(ValidationError::NoSitesListed));
            }
            check(
                &"all_sites_start",
                required(assignments.all_sites_start).and_then(|start| {
                    if earlier.is_none() {
                        check_start_ahead(SITE_START, start, today)?;
                    }
                    Ok(())
                }),
            );
            if let Some(start) = assignments.all_sites_start {
                check(
                    &"all_sites_end",
                    check_site_end(start, assignments.all_sites_end, earlier, None),
                );
            }
        }
        if assignments.sites.is_empty() && !assignments.all_sites {
            check(&"sites", Err(ValidationError::NoSiteAssignment));
        }
        errors
    }

    /// Whether the physician works at the hospital on `day` (from the activity periods).
    pub fn is_active_on(&self, day: Date) -> bool {
        self.activity_periods()
            .iter()
            .any(|p| p.start <= day && p.end.is_none_or(|end| day <= end))
    }

    /// The assignments that make up the activity periods: the site assignments and, when chosen,
    /// the "all sites" period.
    pub fn assignment_periods(&self) -> Vec<SiteAssignment> {
        let mut all = self.sites.clone();
        if self.all_sites {
            all.push(SiteAssignment {
                site_number: String::new(),
                start: self.all_sites_start,
                end: self.all_sites_end,
            });
        }
        all
    }

    /// The activity periods (Tätigkeitszeiträume) that follow from the site assignments.
    pub fn activity_periods(&self) -> Vec<ActivityPeriod> {
        activity_periods(&self.assignment_periods())
    }
}

/// Where the ANR request of a record stands.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RequestState {
    /// Entered, no ANR requested yet.
    #[default]
    NotRequested,
    /// Sent to the central registry, no answer yet.
    Requested,
    /// The registry issued a new ANR.
    Issued,
    /// The registry matched an existing ANR.
    Matched,
    /// The registry knows the person with other data; to be clarified by hospital or office.
    Mismatch { differences: Vec<Difference> },
}

impl RequestState {
    /// German label for people.
    pub fn label(&self) -> &'static str {
        match self {
            RequestState::NotRequested => "nicht beantragt",
            RequestState::Requested => "beantragt",
            RequestState::Issued => "ANR neu vergeben",
            RequestState::Matched => "vorhandene ANR zugeordnet",
            RequestState::Mismatch { .. } => "Abweichung – Klärung erforderlich",
        }
    }
}

/// A stored physician as the API answers it: id, version for optimistic concurrency (an update
/// must send the version it read), the form fields (flattened, including `anr`) and the request
/// state.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhysicianRecord {
    pub id: i64,
    pub version: i64,
    #[serde(flatten)]
    pub form: PhysicianForm,
    pub request_state: RequestState,
}

impl PhysicianRecord {
    /// The record's ANR, if one is entered and valid.
    pub fn anr(&self) -> Option<Anr> {
        self.form.anr_input().and_then(|a| Anr::parse(a).ok())
    }

    /// Whether no edit may change the ANR field: the registry issued or confirmed it, or a request
    /// or clarification is under way. Only an ANR typed in and never requested can be corrected.
    pub fn anr_is_fixed(&self) -> bool {
        match self.request_state {
            RequestState::NotRequested => false,
            RequestState::Issued | RequestState::Matched => self.form.anr_input().is_some(),
            RequestState::Requested | RequestState::Mismatch { .. } => true,
        }
    }
}

/// The one rule for every write by a hospital (form, REST, HR CSV import, bulk edit and its
/// undo): the record's rules as a change of `current` (`None` for a new record) against the
/// hospital's `sites`, and a fixed ANR ([`PhysicianRecord::anr_is_fixed`]) stays exactly as it is
/// (neither changed nor emptied).
pub fn check_write(
    current: Option<&PhysicianRecord>,
    form: &PhysicianForm,
    today: Date,
    sites: &[HospitalSite],
) -> Vec<FieldError> {
    let mut errors = form.validate_change(current.map(|c| &c.form), today, sites);
    if let Some(current) = current
        && current.anr_is_fixed()
        && form.anr_input() != current.form.anr_input()
    {
        errors.retain(|e| e.field != "anr");
        errors.insert(0, ValidationError::AnrFixed.for_field("anr"));
    }
    errors
}

#[cfg(test)]
mod field_label_tests {
    use super::*;

    #[test]
    fn paths_read_as_german_names() {
        let mut form = PhysicianForm::default();
        form.sites.push(SiteAssignment {
            site_number: "773687000".into(),
            start: None,
            end: None,
        });
        let names = |n: &str| (n == "773687000").then(|| "Kinderklinik".to_owned());
        assert_eq!(
            form.field_label("sites[0].end", &names),
            "Standort 773687000 – Kinderklinik: Ende"
        );
        assert_eq!(
            form.field_label("sites[0].start", &|_| None),
            "Standort 773687000: Beginn"
        );
        assert_eq!(form.field_label("sites[3]", &|_| None), "Standort 4");
        assert_eq!(
            form.field_label("specialties[1].date", &|_| None),
            "Fachgebiet 2: anerkannt am"
        );
        assert_eq!(
            form.field_label("doctorate_date", &|_| None),
            "Datum der Promotion"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    #[test]
    fn control_characters_are_found_in_the_bytes_as_in_the_characters() {
        let samples = [
            "Müller",
            "Jürgen\u{0}",
            "a\tb",
            "a\u{7f}",
            "Ä\u{80}",
            "x\u{9f}y",
            "\u{a0}\u{c2}",
            "Ÿ",
            "\u{85}",
            "ÂÃ",
            "ğ",
            "€",
            "\u{1f}",
            "\u{20}",
            "Łódź\u{9e}",
        ];
        for text in samples {
            assert_eq!(
                has_control(text),
                text.chars().any(char::is_control),
                "{text:?}"
            );
        }
        for c in ['\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}'] {
            assert!(check_name(&format!("Mü{c}ller")).is_err(), "{c:?}");
        }
        assert_eq!(check_name("Müller-Lüdenscheidt"), Ok(()));
    }

    #[test]
    fn name_length_counts_characters_not_bytes() {
        // Umlauts take two bytes each: a name over the limit in bytes may still fit.
        let umlauts = "ä".repeat(NAME_MAX_CHARS);
        assert!(umlauts.len() > NAME_MAX_CHARS);
        assert_eq!(check_name(&umlauts), Ok(()));
        assert_eq!(
            check_name(&format!("{umlauts}ö")),
            Err(ValidationError::TooLong {
                max: NAME_MAX_CHARS
            })
        );
        assert_eq!(check_name(&"a".repeat(NAME_MAX_CHARS)), Ok(()));
        assert!(check_name(&"a".repeat(NAME_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn identity_of_a_form() {
        let form = PhysicianForm {
            last_name: " Muster ".into(),
            first_name: "Erika".into(),
            birth_date: Some(d("01.02.1980")),
            sex: Some(Sex::Female),
            ..PhysicianForm::default()
        };
        let identity = form.identity().expect("complete");
        assert_eq!(identity.last_name, "Muster");
        assert_eq!(identity.licence_date, None);
        assert_eq!(PhysicianForm::default().identity(), None);
    }

    fn site(s: &str) -> SiteNumber {
        SiteNumber::parse(s).expect("valid site")
    }

    fn allowed() -> Vec<SiteNumber> {
        vec![site("773081000"), site("773082000")]
    }

    fn today() -> Date {
        d("27.11.2026")
    }

    fn form() -> PhysicianForm {
        PhysicianForm {
            anr: None,
            sex: Some(Sex::Female),
            doctoral_title: true,
            last_name: "Müller-Lüdenscheidt".into(),
            first_name: "Anna".into(),
            birth_date: Some(d("12.04.1985")),
            state_exam_date: Some(d("15.06.2010")),
            licence_date: Some(d("01.10.2010")),
            doctorate_date: Some(d("20.02.2012")),
            specialties: vec![
                SpecialtyEntry {
                    date: Some(d("15.03.2015")),
                    code: "01".into(),
                },
                SpecialtyEntry {
                    date: Some(d("01.10.2019")),
                    code: "23".into(),
                },
            ],
            sites: vec![
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
            ],
            all_sites: false,
            all_sites_start: None,
            all_sites_end: None,
        }
    }

    fn errors(f: &PhysicianForm) -> Vec<(String, String, String)> {
        f.validate(today(), &allowed())
            .into_iter()
            .map(|e| (e.field, e.code, e.message))
            .collect()
    }

    fn one_error(f: &PhysicianForm) -> (String, String, String) {
        let mut all = errors(f);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    fn err(field: &str, code: &str, message: &str) -> (String, String, String) {
        (field.to_owned(), code.to_owned(), message.to_owned())
    }

    #[test]
    fn a_complete_form_is_valid() {
        assert_eq!(errors(&form()), vec![]);
        // Blank ANR counts as none; a real one is accepted.
        let mut f = form();
        f.anr = Some("  ".into());
        assert_eq!(errors(&f), vec![]);
        f.anr = Some("838382202".into());
        assert_eq!(errors(&f), vec![]);
    }

    #[test]
    fn required_fields() {
        let f = PhysicianForm::default();
        let fields: Vec<String> = errors(&f).into_iter().map(|e| e.0).collect();
        assert_eq!(
            fields,
            [
                "sex",
                "last_name",
                "first_name",
                "birth_date",
                "state_exam_date",
                "licence_date",
                "sites"
            ]
        );
        let all = errors(&f);
        assert_eq!(
            all[0],
            err("sex", "required", "Pflichtfeld: bitte ausfüllen.")
        );
        assert_eq!(
            all[6],
            err(
                "sites",
                "no_site_assignment",
                "Mindestens eine Standortzuordnung angeben oder „alle Standorte dieses Krankenhauses“ wählen."
            )
        );
        // "All sites" needs no single assignment, but a start like any assignment.
        let mut f = form();
        f.sites.clear();
        f.all_sites = true;
        assert_eq!(
            errors(&f),
            vec![err(
                "all_sites_start",
                "required",
                "Pflichtfeld: bitte ausfüllen."
            )]
        );
        f.all_sites_start = Some(d("01.01.2021"));
        assert_eq!(errors(&f), vec![]);
    }

    #[test]
    fn anr_must_be_valid_and_personal() {
        let mut f = form();
        f.anr = Some("111136701".into());
        assert_eq!(
            one_error(&f),
            err(
                "anr",
                "check_digit",
                "Prüfziffer ist 7, erwartet 8 (Stelle 7)."
            )
        );
        f.anr = Some("444444401".into());
        assert_eq!(
            one_error(&f),
            err(
                "anr",
                "not_allowed",
                "Nicht zulässig: eine Pseudo-Arztnummer als persönliche Arztnummer."
            )
        );
        f.anr = Some("999999900".into());
        assert_eq!(one_error(&f).1, "not_allowed");
    }

    #[test]
    fn names() {
        let mut f = form();
        f.last_name = "=HYPERLINK(\"x\")".into();
        assert_eq!(
            one_error(&f),
            err(
                "last_name",
                "format",
                "Ungültiges Format: erwartet einen Namen ohne Steuerzeichen, der nicht mit =, +, - oder @ beginnt."
            )
        );
        f.last_name = "x".repeat(101);
        assert_eq!(one_error(&f).1, "too_long");
        f.last_name = "'t Hooft".into();
        f.first_name = "Anna\tMaria".into();
        assert_eq!(one_error(&f).0, "first_name");
    }

    #[test]
    fn birth_date_plausibility() {
        let mut f = form();
        f.birth_date = Some(d("28.11.2026"));
        let all = errors(&f);
        assert_eq!(
            all[0],
            err(
                "birth_date",
                "date_in_future",
                "Das Geburtsdatum (28.11.2026) liegt in der Zukunft."
            )
        );
        f.birth_date = Some(d("12.04.1085"));
        assert_eq!(
            one_error(&f),
            err(
                "birth_date",
                "date_before",
                "Das Geburtsdatum (12.04.1085) liegt vor dem frühesten zulässigen Datum (01.01.1900)."
            )
        );
    }

    #[test]
    fn state_exam_rules() {
        let mut f = form();
        f.state_exam_date = Some(d("01.01.1980"));
        f.licence_date = Some(d("01.01.1981"));
        f.doctorate_date = None;
        f.doctoral_title = false;
        assert_eq!(
            one_error(&f),
            err(
                "state_exam_date",
                "date_before",
                "Das Staatsexamen (01.01.1980) liegt vor dem Geburtsdatum (12.04.1985)."
            )
        );
        f.state_exam_date = Some(d("11.04.2003"));
        f.licence_date = Some(d("11.04.2003"));
        assert_eq!(
            one_error(&f),
            err(
                "state_exam_date",
                "minimum_age",
                "Beim Staatsexamen (11.04.2003) wäre die Person erst 17 Jahre alt gewesen; plausibel sind mindestens 18 Jahre."
            )
        );
        // The 18th birthday itself is enough.
        f.state_exam_date = Some(d("12.04.2003"));
        f.licence_date = Some(d("12.04.2003"));
        f.specialties.clear();
        assert_eq!(errors(&f), vec![]);
        f.state_exam_date = Some(d("01.12.2026"));
        f.licence_date = Some(d("01.12.2026"));
        let all = errors(&f);
        assert_eq!(
            all[0],
            err(
                "state_exam_date",
                "date_in_future",
                "Das Staatsexamen (01.12.2026) liegt in der Zukunft."
            )
        );
        assert_eq!(all[1].1, "date_in_future");
        // One year is singular.
        let one = ValidationError::MinimumAge {
            at: STATE_EXAM.at,
            date: "01.01.2000".into(),
            age: 1,
            min: 18,
        };
        assert_eq!(
            one.message(),
            "Beim Staatsexamen (01.01.2000) wäre die Person erst 1 Jahr alt gewesen; plausibel sind mindestens 18 Jahre."
        );
    }

    #[test]
    fn licence_not_before_state_exam() {
        let mut f = form();
        f.licence_date = Some(d("01.03.2010"));
        assert_eq!(
            one_error(&f),
            err(
                "licence_date",
                "date_before",
                "Die Approbation (01.03.2010) liegt vor dem Staatsexamen (15.06.2010)."
            )
        );
        // The same day is fine.
        f.licence_date = f.state_exam_date;
        assert_eq!(errors(&f), vec![]);
    }

    #[test]
    fn doctorate_rules() {
        let mut f = form();
        f.doctorate_date = None;
        assert_eq!(
            one_error(&f),
            err(
                "doctorate_date",
                "doctorate_date_required",
                "Bei Dr.-Titel bitte das Datum der Promotion angeben."
            )
        );
        // Without the title on the ID card the doctorate date is optional …
        f.doctoral_title = false;
        assert_eq!(errors(&f), vec![]);
        // … and may still be given.
        f.doctorate_date = Some(d("20.02.2012"));
        assert_eq!(errors(&f), vec![]);
        f.doctorate_date = Some(d("01.01.1980"));
        assert_eq!(
            one_error(&f),
            err(
                "doctorate_date",
                "date_before",
                "Die Promotion (01.01.1980) liegt vor dem Geburtsdatum (12.04.1985)."
            )
        );
        f.doctorate_date = Some(d("01.01.2027"));
        assert_eq!(
            one_error(&f),
            err(
                "doctorate_date",
                "date_in_future",
                "Die Promotion (01.01.2027) liegt in der Zukunft."
            )
        );
    }

    #[test]
    fn specialty_rules() {
        let mut f = form();
        f.specialties[1].date = Some(d("01.09.2010"));
        f.specialties[0].code = "98".into();
        assert_eq!(
            errors(&f),
            vec![
                err(
                    "specialties[0].code",
                    "unknown_specialty",
                    "Unbekannter Fachgebietsschlüssel „98“."
                ),
                err(
                    "specialties[1].date",
                    "date_before",
                    "Die Facharztanerkennung (01.09.2010) liegt vor der Approbation (01.10.2010)."
                ),
            ]
        );
        let mut f = form();
        f.specialties[1].date = None;
        f.specialties[1].code = String::new();
        assert_eq!(
            errors(&f),
            vec![
                err(
                    "specialties[1].date",
                    "required",
                    "Pflichtfeld: bitte ausfüllen."
                ),
                err(
                    "specialties[1].code",
                    "required",
                    "Pflichtfeld: bitte ausfüllen."
                ),
            ]
        );
        let mut f = form();
        f.specialties[0].date = Some(d("30.11.2026"));
        assert_eq!(
            one_error(&f),
            err(
                "specialties[0].date",
                "date_in_future",
                "Die Facharztanerkennung (30.11.2026) liegt in der Zukunft."
            )
        );
        // The in-training code is no specialty.
        let mut f = form();
        f.specialties[0].code = "00".into();
        assert_eq!(one_error(&f).1, "unknown_specialty");
    }

    #[test]
    fn site_number_rules() {
        let mut f = form();
        f.sites[0].site_number = "773999000".into();
        f.sites[1].site_number = "123".into();
        assert_eq!(
            errors(&f),
            vec![
                err(
                    "sites[0].site_number",
                    "site_not_allowed",
                    "Der Standort 773999000 gehört nicht zu den Standorten dieses Krankenhauses."
                ),
                err(
                    "sites[1].site_number",
                    "wrong_length",
                    "Die Nummer muss 9 Stellen haben, sie hat 3."
                ),
            ]
        );
        // An outpatient unit of an allowed site is allowed.
        f.sites[0].site_number = "773081012".into();
        f.sites[1].site_number = " ".into();
        assert_eq!(
            errors(&f),
            vec![err(
                "sites[1].site_number",
                "required",
                "Pflichtfeld: bitte ausfüllen."
            )]
        );
    }

    #[test]
    fn site_period_rules() {
        let mut f = form();
        f.sites[0].end = Some(d("31.12.2019"));
        assert_eq!(
            one_error(&f),
            err(
                "sites[0].end",
                "date_before",
                "Das Ende der Tätigkeit (31.12.2019) liegt vor dem Beginn der Tätigkeit (01.01.2020)."
            )
        );
        // A one-day assignment is fine, and so is a planned end in the future.
        f.sites[0].end = Some(d("01.01.2020"));
        f.sites[1].end = Some(d("31.12.2027"));
        assert_eq!(errors(&f), vec![]);
        // A hire starting on the 1st of next month is entered in advance …
        f.sites[1].start = Some(d("01.12.2026"));
        assert_eq!(errors(&f), vec![]);
        // … up to a year ahead.
        f.sites[1].start = Some(d("27.11.2027"));
        f.sites[1].end = None;
        assert_eq!(errors(&f), vec![]);
        f.sites[1].start = Some(d("28.11.2027"));
        assert_eq!(
            one_error(&f),
            err(
                "sites[1].start",
                "date_too_far_ahead",
                "Der Beginn der Tätigkeit (28.11.2027) liegt zu weit in der Zukunft; möglich ist höchstens der 27.11.2027."
            )
        );
        f.sites[1].start = None;
        assert_eq!(one_error(&f).0, "sites[1].start");
    }

    #[test]
    fn overlapping_assignments_of_one_site() {
        let mut f = form();
        f.sites.push(SiteAssignment {
            site_number: "773081000".into(),
            start: Some(d("31.12.2024")),
            end: None,
        });
        assert_eq!(
            one_error(&f),
            err(
                "sites[2].site_number",
                "site_overlap",
                "Der Standort 773081000 ist bereits vom 01.01.2020 bis 31.12.2024 zugeordnet; die Zeiträume überschneiden sich."
            )
        );
        // Directly after the earlier one is fine (touching is no overlap).
        f.sites[2].start = Some(d("01.01.2025"));
        assert_eq!(errors(&f), vec![]);
        // An open earlier assignment overlaps everything after its start.
        f.sites[2].site_number = "773082000".into();
        f.sites[2].start = Some(d("01.06.2025"));
        assert_eq!(
            one_error(&f).2,
            "Der Standort 773082000 ist bereits ab dem 01.01.2021 zugeordnet; die Zeiträume überschneiden sich."
        );
        // A later assignment that ended before the open one began does not overlap it.
        f.sites[2].start = Some(d("01.06.2020"));
        f.sites[2].end = Some(d("31.12.2020"));
        assert_eq!(errors(&f), vec![]);
    }

    #[test]
    fn overlap_predicate() {
        let p = |s: &str, e: Option<&str>| (d(s), e.map(d));
        assert!(periods_overlap(
            p("01.01.2020", None),
            p("01.01.2030", None)
        ));
        assert!(periods_overlap(
            p("01.01.2020", Some("01.01.2020")),
            p("01.01.2020", Some("01.01.2020"))
        ));
        assert!(!periods_overlap(
            p("01.01.2020", Some("31.12.2020")),
            p("01.01.2021", None)
        ));
        assert!(!periods_overlap(
            p("01.01.2021", None),
            p("01.01.2020", Some("31.12.2020"))
        ));
    }

    #[test]
    fn sex_values() {
        assert_eq!(Sex::from_input(" Weiblich "), Ok(Sex::Female));
        assert_eq!(Sex::from_input("männlich"), Ok(Sex::Male));
        assert_eq!(Sex::from_input("MÄNNLICH"), Ok(Sex::Male));
        assert_eq!(Sex::from_input("d"), Ok(Sex::Diverse));
        assert_eq!(Sex::from_input("unknown"), Ok(Sex::Unknown));
        assert_eq!(Sex::from_input(""), Err(ValidationError::Required));
        assert_eq!(
            Sex::from_input("x").map_err(|e| e.message()),
            Err("Ungültiges Format: erwartet weiblich, männlich, divers oder unbekannt (w, m, d, u).".to_owned())
        );
        let labels: Vec<&str> = Sex::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["weiblich", "männlich", "divers", "unbekannt"]);
        assert_eq!(
            serde_json::to_string(&Sex::Diverse).expect("serialises"),
            "\"diverse\""
        );
    }

    #[test]
    fn record_json_shape() {
        let record = PhysicianRecord {
            id: 7,
            version: 3,
            form: PhysicianForm {
                anr: Some("838382202".into()),
                ..form()
            },
            request_state: RequestState::Matched,
        };
        let json = serde_json::to_value(&record).expect("serialises");
        assert_eq!(json["id"], 7);
        assert_eq!(json["version"], 3);
        assert_eq!(json["anr"], "838382202");
        assert_eq!(json["sex"], "female");
        assert_eq!(json["birth_date"], "1985-04-12");
        assert_eq!(json["specialties"][1]["code"], "23");
        assert_eq!(json["sites"][1]["end"], serde_json::Value::Null);
        assert_eq!(json["request_state"]["state"], "matched");
        let back: PhysicianRecord = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, record);
        assert_eq!(
            back.anr().map(|a| a.specialty_group().to_owned()),
            Some("02".to_owned())
        );
        assert_eq!(RequestState::Matched.label(), "vorhandene ANR zugeordnet");

        // A sparse form deserialises with defaults.
        let sparse: PhysicianForm =
            serde_json::from_str(r#"{"last_name":"Muster"}"#).expect("deserialises");
        assert_eq!(sparse.last_name, "Muster");
        assert!(sparse.sites.is_empty());
        assert!(!sparse.all_sites);
    }

    #[test]
    fn assignment_display() {
        let f = form();
        assert_eq!(f.sites[0].display(), "773081000: 01.01.2020 – 31.12.2024");
        assert_eq!(f.sites[1].display(), "773082000: 01.01.2021 – offen");
        assert_eq!(SiteAssignment::default().display(), ": (leer) – offen");
    }

    fn hospital_site(number: &str, from: &str, until: Option<&str>, listed: bool) -> HospitalSite {
        HospitalSite {
            site_number: site(number),
            valid_from: d(from),
            valid_until: until.map(d),
            in_directory: listed,
        }
    }

    fn change_errors(
        after: &PhysicianForm,
        before: Option<&PhysicianForm>,
        sites: &[HospitalSite],
    ) -> Vec<(String, String)> {
        after
            .validate_change(before, today(), sites)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn all_sites_is_an_assignment_with_a_period() {
        let mut f = form();
        f.sites.clear();
        f.all_sites = true;
        f.all_sites_start = Some(d("01.03.2022"));
        f.all_sites_end = Some(d("28.02.2022"));
        assert_eq!(
            one_error(&f),
            err(
                "all_sites_end",
                "date_before",
                "Das Ende der Tätigkeit (28.02.2022) liegt vor dem Beginn der Tätigkeit (01.03.2022)."
            )
        );
        f.all_sites_end = Some(d("31.12.2026"));
        assert_eq!(errors(&f), vec![]);
        // Its period is an activity period like any assignment's, merged with the others.
        f.sites = form().sites;
        assert_eq!(
            f.activity_periods(),
            [ActivityPeriod {
                start: d("01.01.2020"),
                end: None
            }]
        );
        f.sites.clear();
        assert_eq!(
            f.activity_periods(),
            [ActivityPeriod {
                start: d("01.03.2022"),
                end: Some(d("31.12.2026"))
            }]
        );
        assert!(f.is_active_on(today()));
        assert!(!f.is_active_on(d("01.01.2027")));
        assert!(!f.is_active_on(d("28.02.2022")));
        // The dates count only while "all sites" is chosen.
        f.all_sites = false;
        f.sites = form().sites;
        assert_eq!(f.activity_periods(), form().activity_periods());
        // A hospital without any listed site cannot choose "all sites".
        let mut f = form();
        f.sites.clear();
        f.all_sites = true;
        f.all_sites_start = Some(d("01.03.2022"));
        assert_eq!(
            f.validate(today(), &[])
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>(),
            [("all_sites".to_owned(), "no_sites_listed".to_owned())]
        );
    }

    #[test]
    fn a_future_start_counts_from_its_day() {
        let mut f = form();
        f.sites = vec![SiteAssignment {
            site_number: "773081000".into(),
            start: Some(d("01.12.2026")),
            end: None,
        }];
        assert_eq!(errors(&f), vec![]);
        assert!(!f.is_active_on(today()));
        assert!(f.is_active_on(d("01.12.2026")));
        assert_eq!(
            f.activity_periods(),
            [ActivityPeriod {
                start: d("01.12.2026"),
                end: None
            }]
        );
    }

    #[test]
    fn a_removed_site_keeps_its_assignments_to_be_ended_but_takes_no_new_ones() {
        let sites = [
            hospital_site("773081000", "01.01.2000", None, false),
            hospital_site("773082000", "01.01.2000", None, true),
        ];
        let before = form();
        // Unchanged, and with other fields edited: fine although 773081000 left the directory.
        let mut after = before.clone();
        after.last_name = "Schmidt".into();
        assert_eq!(change_errors(&after, Some(&before), &sites), vec![]);
        // Ending (or ending earlier) the assignment there works.
        let mut open = before.clone();
        open.sites[0].end = None;
        let mut ended = open.clone();
        ended.sites[0].end = Some(d("30.11.2026"));
        assert_eq!(change_errors(&ended, Some(&open), &sites), vec![]);
        let mut earlier = before.clone();
        earlier.sites[0].end = Some(d("30.06.2024"));
        assert_eq!(change_errors(&earlier, Some(&before), &sites), vec![]);
        // Extending or reopening it does not, nor does a new assignment there.
        let mut later = before.clone();
        later.sites[0].end = Some(d("31.12.2025"));
        assert_eq!(
            change_errors(&later, Some(&before), &sites),
            [("sites[0].end".to_owned(), "site_removed".to_owned())]
        );
        let mut new = before.clone();
        new.sites.push(SiteAssignment {
            site_number: "773081000".into(),
            start: Some(d("01.01.2026")),
            end: None,
        });
        assert_eq!(
            change_errors(&new, Some(&before), &sites),
            [("sites[2].site_number".to_owned(), "site_removed".to_owned())]
        );
        // A new record cannot use it at all.
        assert_eq!(
            change_errors(&before, None, &sites),
            [("sites[0].site_number".to_owned(), "site_removed".to_owned())]
        );
        // An outpatient unit of a removed site is removed too.
        let mut unit = before.clone();
        unit.sites.push(SiteAssignment {
            site_number: "773081012".into(),
            start: Some(d("01.01.2026")),
            end: None,
        });
        assert_eq!(
            change_errors(&unit, Some(&before), &sites),
            [("sites[2].site_number".to_owned(), "site_removed".to_owned())]
        );
    }

    #[test]
    fn site_validity_bounds_new_assignments() {
        let sites = [
            hospital_site("773081000", "01.01.2000", None, true),
            hospital_site("773082000", "01.07.2021", Some("31.12.2026"), true),
        ];
        let mut f = form();
        f.sites[1].start = Some(d("01.01.2021"));
        f.sites[1].end = Some(d("31.12.2026"));
        // Starts before the site is valid.
        assert_eq!(
            f.validate_change(None, today(), &sites)
                .into_iter()
                .map(|e| (e.field, e.code, e.message))
                .collect::<Vec<_>>(),
            [err(
                "sites[1].start",
                "date_before",
                "Der Beginn der Tätigkeit (01.01.2021) liegt vor dem Beginn der Gültigkeit (01.07.2021)."
            )]
        );
        f.sites[1].start = Some(d("01.07.2021"));
        assert_eq!(change_errors(&f, None, &sites), vec![]);
        // Runs past the end of the site's validity, or stays open.
        f.sites[1].end = Some(d("01.01.2027"));
        assert_eq!(
            f.validate_change(None, today(), &sites)[0].message,
            "Der Standort 773082000 ist nur bis 31.12.2026 gültig; die Zuordnung muss spätestens dann enden."
        );
        f.sites[1].end = None;
        assert_eq!(
            change_errors(&f, None, &sites),
            [("sites[1].end".to_owned(), "site_valid_until".to_owned())]
        );
        // An existing open assignment is kept when the site's validity is shortened later.
        assert_eq!(change_errors(&f, Some(&f.clone()), &sites), vec![]);
    }

    fn record(state: RequestState, anr: Option<&str>) -> PhysicianRecord {
        PhysicianRecord {
            id: 1,
            version: 1,
            form: PhysicianForm {
                anr: anr.map(str::to_owned),
                ..form()
            },
            request_state: state,
        }
    }

    #[test]
    fn the_write_rule_keeps_a_fixed_anr() {
        let sites: Vec<HospitalSite> = allowed().into_iter().map(HospitalSite::listed).collect();
        let codes = |current: &PhysicianRecord, anr: Option<&str>| -> Vec<(String, String)> {
            let form = PhysicianForm {
                anr: anr.map(str::to_owned),
                ..current.form.clone()
            };
            check_write(Some(current), &form, today(), &sites)
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        let fixed = vec![("anr".to_owned(), "anr_fixed".to_owned())];
        for state in [RequestState::Issued, RequestState::Matched] {
            let issued = record(state, Some("838382202"));
            assert!(issued.anr_is_fixed());
            assert_eq!(codes(&issued, Some("838382202")), vec![]);
            assert_eq!(codes(&issued, Some(" 838382202 ")), vec![]);
            assert_eq!(codes(&issued, Some("754236701")), fixed);
            assert_eq!(codes(&issued, None), fixed);
            assert_eq!(codes(&issued, Some("")), fixed);
        }
        // In clarification nothing may be typed in.
        let mismatch = record(
            RequestState::Mismatch {
                differences: vec![],
            },
            None,
        );
        assert_eq!(codes(&mismatch, Some("838382202")), fixed);
        // A number typed in and never requested can be corrected.
        let typed = record(RequestState::NotRequested, Some("838382202"));
        assert!(!typed.anr_is_fixed());
        assert_eq!(codes(&typed, Some("754236701")), vec![]);
        assert_eq!(codes(&typed, None), vec![]);
        // A new record may bring a known number.
        assert_eq!(check_write(None, &typed.form, today(), &sites), vec![]);
    }
}
