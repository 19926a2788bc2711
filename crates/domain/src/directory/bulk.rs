//! Bulk edits of many physicians at once (e.g. everyone leaving at month end) and their preview.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::physician::{
    Assignments, EMPTY_VALUE, HospitalSite, OPEN_END, PhysicianForm, SITE_END, SITE_START,
    SiteAssignment, check_not_before, display_date,
};
use super::specialty::SpecialtyCatalog;
use crate::error::{FieldError, ValidationError};
use crate::numbers::SiteNumber;

/// Shown for a record that an action leaves as it is.
pub const UNCHANGED: &str = "unverändert";

/// Most records one bulk edit may touch (preview, apply and undo): the largest hospital groups
/// employ some 25,000 physicians under one Haupt-IK, so this leaves room while still refusing a
/// request that no hospital could mean.
pub const MAX_BULK_RECORDS: usize = 100_000;

/// A count with German thousands separators ("25.000").
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// The selection-size rule of a bulk edit: at least one record and at most
/// [`MAX_BULK_RECORDS`] (field `items`, as the API's request names it).
pub fn check_bulk_selection(count: usize) -> Result<(), FieldError> {
    if count == 0 {
        return Err(FieldError {
            field: "items".to_owned(),
            code: "selection_empty".to_owned(),
            message: "Bitte mindestens eine Ärztin oder einen Arzt auswählen.".to_owned(),
        });
    }
    if count > MAX_BULK_RECORDS {
        return Err(FieldError {
            field: "items".to_owned(),
            code: "selection_too_large".to_owned(),
            message: format!(
                "Eine Sammeländerung umfasst höchstens {} Einträge; ausgewählt sind {}. Bitte die Auswahl aufteilen.",
                thousands(MAX_BULK_RECORDS),
                thousands(count)
            ),
        });
    }
    Ok(())
}

/// A field that a bulk edit can set.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SettableField {
    LastName,
    DoctoralTitle,
    DoctorateDate,
    AllSites,
}

impl SettableField {
    /// Every settable field, in the order shown to people.
    pub const ALL: [SettableField; 4] = [
        SettableField::LastName,
        SettableField::DoctoralTitle,
        SettableField::DoctorateDate,
        SettableField::AllSites,
    ];

    /// The form's JSON key (the field name of errors and changes).
    pub fn key(self) -> &'static str {
        match self {
            SettableField::LastName => "last_name",
            SettableField::DoctoralTitle => "doctoral_title",
            SettableField::DoctorateDate => "doctorate_date",
            SettableField::AllSites => "all_sites",
        }
    }

    /// German label for people.
    pub fn label(self) -> &'static str {
        match self {
            SettableField::LastName => "Name",
            SettableField::DoctoralTitle => "Dr.-Titel laut Personalausweis",
            SettableField::DoctorateDate => "Datum der Promotion",
            SettableField::AllSites => "Alle Standorte dieses Krankenhauses",
        }
    }
}

/// One edit applied to every selected record.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkAction {
    /// Ends the open (or later-ending) assignments to a site, or to every site if `None`.
    EndSiteAssignment {
        site_number: Option<SiteNumber>,
        end: Date,
    },
    /// Adds an assignment to a site.
    AddSiteAssignment {
        site_number: SiteNumber,
        start: Date,
        end: Option<Date>,
    },
    /// Sets a field to a value as people type it: "ja"/"nein" for yes/no fields, a date as
    /// TT.MM.JJJJ or JJJJ-MM-TT (empty clears an optional date), text for names.
    SetField { field: SettableField, value: String },
}

/// One changed value of a record, both sides in German display form.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// "ja" or "nein".
pub(crate) fn yes_no(value: bool) -> &'static str {
    if value { "ja" } else { "nein" }
}

/// Reads yes/no as people type it: ja/nein, j/n, true/false, 1/0, x/empty (case ignored).
pub(crate) fn parse_yes_no(input: &str) -> Result<bool, ValidationError> {
    match input.trim().to_lowercase().as_str() {
        "ja" | "j" | "true" | "1" | "x" => Ok(true),
        "nein" | "n" | "false" | "0" | "" => Ok(false),
        _ => Err(ValidationError::Format {
            expected: "ja oder nein",
        }),
    }
}

/// Applies `action` to one record. The result must pass every rule of
/// [`PhysicianForm::validate`] (otherwise its errors are returned and nothing changes); an empty
/// change list means the record stays as it is ([`UNCHANGED`]).
pub fn apply_bulk(
    record: &PhysicianForm,
    action: &BulkAction,
    today: Date,
    allowed_sites: &[SiteNumber],
) -> Result<(PhysicianForm, Vec<Change>), Vec<FieldError>> {
    let sites: Vec<HospitalSite> = allowed_sites
        .iter()
        .cloned()
        .map(HospitalSite::listed)
        .collect();
    apply_bulk_at(record, action, today, &sites)
}

/// [`apply_bulk`] against the hospital's sites with their validity (the server's view): the
/// result is checked with [`PhysicianForm::validate_change`] as a change of `record`, so an
/// assignment at a site that left the directory can still be ended.
pub fn apply_bulk_at(
    record: &PhysicianForm,
    action: &BulkAction,
    today: Date,
    sites: &[HospitalSite],
) -> Result<(PhysicianForm, Vec<Change>), Vec<FieldError>> {
    let mut changes = Vec::new();
    let edit = changed_form(record, action, today, sites, &mut changes)?;
    let form = match edit {
        Some(edit) => edit.into_form(record),
        None => record.clone(),
    };
    Ok((form, changes))
}

/// What [`changed_form`] writes down of the changes it makes: their texts (for people and the
/// API) or only how many there are (the preview's counts, for every selected record: at 50,000
/// records the texts cost more than the rules).
trait Changes {
    /// Notes one change; `text` is only called where the texts are kept.
    fn note(&mut self, text: impl FnOnce() -> Change);
    fn count(&self) -> usize;
}

impl Changes for Vec<Change> {
    fn note(&mut self, text: impl FnOnce() -> Change) {
        self.push(text());
    }

    fn count(&self) -> usize {
        self.len()
    }
}

impl Changes for usize {
    fn note(&mut self, _: impl FnOnce() -> Change) {
        *self += 1;
    }

    fn count(&self) -> usize {
        *self
    }
}

/// What an action makes of a record.
enum Edit {
    /// New site assignments (ending or adding some); every other field as in the record, so the
    /// record is not copied to check the result.
    Assignments {
        sites: Vec<SiteAssignment>,
        all_sites_end: Option<Date>,
    },
    /// Any other change: a whole copy.
    Form(PhysicianForm),
}

impl Edit {
    /// The changed record.
    fn into_form(self, record: &PhysicianForm) -> PhysicianForm {
        match self {
            Edit::Form(form) => form,
            // Every field named, so that a new one cannot be forgotten here.
            Edit::Assignments {
                sites,
                all_sites_end,
            } => PhysicianForm {
                anr: record.anr.clone(),
                sex: record.sex,
                doctoral_title: record.doctoral_title,
                last_name: record.last_name.clone(),
                first_name: record.first_name.clone(),
                birth_date: record.birth_date,
                state_exam_date: record.state_exam_date,
                licence_date: record.licence_date,
                doctorate_date: record.doctorate_date,
                specialties: record.specialties.clone(),
                sites,
                all_sites: record.all_sites,
                all_sites_start: record.all_sites_start,
                all_sites_end,
            },
        }
    }

    /// [`PhysicianForm::validate_change`] of the changed record.
    fn validate(
        &self,
        record: &PhysicianForm,
        today: Date,
        sites: &[HospitalSite],
    ) -> Vec<FieldError> {
        match self {
            Edit::Form(form) => form.validate_change(Some(record), today, sites),
            Edit::Assignments {
                sites: assigned,
                all_sites_end,
            } => record.validate_assignments_change(
                Assignments {
                    sites: assigned,
                    all_sites: record.all_sites,
                    all_sites_start: record.all_sites_start,
                    all_sites_end: *all_sites_end,
                },
                Some(record),
                today,
                sites,
                SpecialtyCatalog::builtin(),
            ),
        }
    }
}

/// `action` applied to `record`, its changes noted in `changes`: `None` for [`UNCHANGED`], the
/// errors of [`PhysicianForm::validate_change`] if the result breaks a rule.
fn changed_form(
    record: &PhysicianForm,
    action: &BulkAction,
    today: Date,
    sites: &[HospitalSite],
    changes: &mut impl Changes,
) -> Result<Option<Edit>, Vec<FieldError>> {
    let edit = match action {
        BulkAction::EndSiteAssignment { site_number, end } => {
            let end = *end;
            let mut assigned = record.sites.clone();
            let mut all_sites_end = record.all_sites_end;
            let mut matched = false;
            let mut errors = Vec::new();
            for (i, site) in assigned.iter_mut().enumerate() {
                if let Some(wanted) = site_number
                    && SiteNumber::parse(&site.site_number).ok().as_ref() != Some(wanted)
                {
                    continue;
                }
                matched = true;
                // Already ended on or before the new end: nothing to do.
                if site.end.is_some_and(|e| e <= end) {
                    continue;
                }
                if let Some(start) = site.start
                    && let Err(e) = check_not_before(SITE_END, end, SITE_START, start)
                {
                    errors.push(e.for_field(&format!("sites[{i}].end")));
                    continue;
                }
                let before = site.end;
                changes.note(|| Change {
                    field: format!("sites[{i}].end"),
                    before: before.map_or_else(|| OPEN_END.to_owned(), Date::to_german),
                    after: end.to_german(),
                });
                site.end = Some(end);
            }
            // "All sites" is an assignment too: ending every assignment ends it.
            if site_number.is_none() && record.all_sites {
                matched = true;
                if all_sites_end.is_none_or(|e| e > end) {
                    match record.all_sites_start {
                        Some(start) if end < start => errors.push(
                            check_not_before(SITE_END, end, SITE_START, start)
                                .err()
                                .unwrap_or(ValidationError::Required)
                                .for_field("all_sites_end"),
                        ),
                        _ => {
                            let before = all_sites_end;
                            changes.note(|| Change {
                                field: "all_sites_end".to_owned(),
                                before: before.map_or_else(|| OPEN_END.to_owned(), Date::to_german),
                                after: end.to_german(),
                            });
                            all_sites_end = Some(end);
                        }
                    }
                }
            }
            if !matched {
                errors.push(
                    ValidationError::NoSiteToEnd {
                        site: site_number.as_ref().map(|s| s.as_str().to_owned()),
                    }
                    .for_field("sites"),
                );
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            Edit::Assignments {
                sites: assigned,
                all_sites_end,
            }
        }
        BulkAction::AddSiteAssignment {
            site_number,
            start,
            end,
        } => {
            let start = Some(*start);
            let exists = record.sites.iter().any(|s| {
                s.start == start
                    && s.end == *end
                    && SiteNumber::parse(&s.site_number).ok().as_ref() == Some(site_number)
            });
            if exists {
                return Ok(None);
            }
            let assignment = SiteAssignment {
                site_number: site_number.as_str().to_owned(),
                start,
                end: *end,
            };
            let index = record.sites.len();
            changes.note(|| Change {
                field: format!("sites[{index}]"),
                before: EMPTY_VALUE.to_owned(),
                after: assignment.display(),
            });
            let mut assigned = Vec::with_capacity(index + 1);
            assigned.extend_from_slice(&record.sites);
            assigned.push(assignment);
            Edit::Assignments {
                sites: assigned,
                all_sites_end: record.all_sites_end,
            }
        }
        BulkAction::SetField { field, value } => {
            let mut form = record.clone();
            let invalid = |e: ValidationError| vec![e.for_field(field.key())];
            let (before, after) = match field {
                SettableField::LastName => {
                    let new = value.trim().to_owned();
                    let before = std::mem::replace(&mut form.last_name, new.clone());
                    let show = |s: String| {
                        if s.is_empty() {
                            EMPTY_VALUE.to_owned()
                        } else {
                            s
                        }
                    };
                    (show(before), show(new))
                }
                SettableField::DoctoralTitle => {
                    let new = parse_yes_no(value).map_err(invalid)?;
                    let before = std::mem::replace(&mut form.doctoral_title, new);
                    (yes_no(before).to_owned(), yes_no(new).to_owned())
                }
                SettableField::DoctorateDate => {
                    let new = if value.trim().is_empty() {
                        None
                    } else {
                        Some(Date::parse(value).map_err(invalid)?)
                    };
                    let before = std::mem::replace(&mut form.doctorate_date, new);
                    (display_date(before), display_date(new))
                }
                SettableField::AllSites => {
                    // A date starts "all sites" then; "ja" starts it today (unless already
                    // chosen); "nein" removes the choice with its period.
                    let (all, start) = match Date::parse(value) {
                        Ok(date) => (true, Some(date)),
                        Err(_) if parse_yes_no(value).map_err(invalid)? => (
                            true,
                            form.all_sites_start
                                .filter(|_| form.all_sites)
                                .or(Some(today)),
                        ),
                        Err(_) => (false, None),
                    };
                    let show = |all: bool, start: Option<Date>| match (all, start) {
                        (true, Some(start)) => format!("ja, ab {}", start.to_german()),
                        (all, _) => yes_no(all).to_owned(),
                    };
                    let before = show(form.all_sites, form.all_sites_start);
                    if (all, start) != (form.all_sites, form.all_sites_start) {
                        form.all_sites = all;
                        form.all_sites_start = start;
                        form.all_sites_end = None;
                    }
                    (before, show(form.all_sites, form.all_sites_start))
                }
            };
            if before != after {
                changes.note(|| Change {
                    field: field.key().to_owned(),
                    before,
                    after,
                });
            }
            Edit::Form(form)
        }
    };
    if changes.count() == 0 {
        return Ok(None);
    }
    let errors = edit.validate(record, today, sites);
    if errors.is_empty() {
        Ok(Some(edit))
    } else {
        Err(errors)
    }
}

/// What a bulk action would do to one record.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkOutcome {
    /// The record would change as listed.
    Changed { changes: Vec<Change> },
    /// The record stays as it is ([`UNCHANGED`]).
    Unchanged,
    /// The action cannot be applied to this record; nothing changes.
    Rejected { errors: Vec<FieldError> },
}

impl BulkOutcome {
    /// One German line for the preview table, e.g. "2 Änderungen", "unverändert", "1 Fehler".
    pub fn summary(&self) -> String {
        match self {
            BulkOutcome::Changed { changes } if changes.len() == 1 => "1 Änderung".to_owned(),
            BulkOutcome::Changed { changes } => format!("{} Änderungen", changes.len()),
            BulkOutcome::Unchanged => UNCHANGED.to_owned(),
            BulkOutcome::Rejected { errors } => format!("{} Fehler", errors.len()),
        }
    }
}

/// The preview of `action` for every selected record, in their order (pure; nothing is stored).
pub fn bulk_preview(
    records: &[PhysicianForm],
    action: &BulkAction,
    today: Date,
    allowed_sites: &[SiteNumber],
) -> Vec<BulkOutcome> {
    let sites: Vec<HospitalSite> = allowed_sites
        .iter()
        .cloned()
        .map(HospitalSite::listed)
        .collect();
    bulk_preview_at(records, action, today, &sites)
}

/// [`bulk_preview`] against the hospital's sites with their validity (see [`apply_bulk_at`]).
pub fn bulk_preview_at(
    records: &[PhysicianForm],
    action: &BulkAction,
    today: Date,
    sites: &[HospitalSite],
) -> Vec<BulkOutcome> {
    records
        .iter()
        .map(|record| bulk_outcome(record, action, today, sites))
        .collect()
}

/// The preview of `action` for one record (what [`bulk_preview_at`] computes for each), so that
/// callers holding records elsewhere need not copy their forms into a slice first.
pub fn bulk_outcome(
    record: &PhysicianForm,
    action: &BulkAction,
    today: Date,
    sites: &[HospitalSite],
) -> BulkOutcome {
    let mut changes = Vec::new();
    match changed_form(record, action, today, sites, &mut changes) {
        Ok(None) => BulkOutcome::Unchanged,
        Ok(Some(_)) => BulkOutcome::Changed { changes },
        Err(errors) => BulkOutcome::Rejected { errors },
    }
}

/// Which of the three outcomes of [`bulk_outcome`] `action` has for one record, without the
/// texts of its changes and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    Changed,
    Unchanged,
    Rejected,
}

impl BulkOutcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            BulkOutcome::Changed { .. } => OutcomeKind::Changed,
            BulkOutcome::Unchanged => OutcomeKind::Unchanged,
            BulkOutcome::Rejected { .. } => OutcomeKind::Rejected,
        }
    }
}

/// `bulk_outcome(..).kind()` for the counts of a preview over many records: the same rules,
/// without writing out what changes.
pub fn bulk_outcome_kind(
    record: &PhysicianForm,
    action: &BulkAction,
    today: Date,
    sites: &[HospitalSite],
) -> OutcomeKind {
    match changed_form(record, action, today, sites, &mut 0_usize) {
        Ok(None) => OutcomeKind::Unchanged,
        Ok(Some(_)) => OutcomeKind::Changed,
        Err(_) => OutcomeKind::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Sex, SpecialtyEntry};

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
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
            anr: Some("838382202".into()),
            sex: Some(Sex::Male),
            doctoral_title: false,
            last_name: "Muster".into(),
            first_name: "Max".into(),
            birth_date: Some(d("01.02.1980")),
            state_exam_date: Some(d("15.06.2006")),
            licence_date: Some(d("01.10.2006")),
            doctorate_date: None,
            specialties: vec![SpecialtyEntry {
                date: Some(d("01.04.2012")),
                code: "02".into(),
            }],
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

    fn apply(
        f: &PhysicianForm,
        action: &BulkAction,
    ) -> Result<(PhysicianForm, Vec<Change>), Vec<FieldError>> {
        apply_bulk(f, action, today(), &allowed())
    }

    fn change(field: &str, before: &str, after: &str) -> Change {
        Change {
            field: field.into(),
            before: before.into(),
            after: after.into(),
        }
    }

    /// The preview's counts (kinds only, no texts) agree with the whole outcomes, over records
    /// and actions that give each of the three outcomes.
    #[test]
    fn outcome_kinds_follow_the_outcomes() {
        let mut all_sites = form();
        all_sites.all_sites = true;
        all_sites.all_sites_start = Some(d("01.03.2022"));
        let mut bad_name = form();
        bad_name.first_name = "=Max".into();
        let records = [form(), all_sites, bad_name];
        let set = |field, value: &str| BulkAction::SetField {
            field,
            value: value.into(),
        };
        let actions = [
            BulkAction::EndSiteAssignment {
                site_number: None,
                end: d("31.12.2026"),
            },
            BulkAction::EndSiteAssignment {
                site_number: None,
                end: d("31.12.2019"),
            },
            BulkAction::EndSiteAssignment {
                site_number: Some(site("773081000")),
                end: d("31.12.2026"),
            },
            BulkAction::EndSiteAssignment {
                site_number: Some(site("773082000")),
                end: d("30.06.2025"),
            },
            BulkAction::AddSiteAssignment {
                site_number: site("773081000"),
                start: d("01.01.2020"),
                end: Some(d("31.12.2024")),
            },
            BulkAction::AddSiteAssignment {
                site_number: site("773081000"),
                start: d("01.01.2026"),
                end: None,
            },
            BulkAction::AddSiteAssignment {
                site_number: site("773083000"),
                start: d("01.01.2026"),
                end: None,
            },
            set(SettableField::LastName, "Beispiel"),
            set(SettableField::LastName, ""),
            set(SettableField::DoctoralTitle, "nein"),
            set(SettableField::DoctoralTitle, "ja"),
            set(SettableField::DoctorateDate, "01.02.2012"),
            set(SettableField::AllSites, "01.01.2026"),
            set(SettableField::AllSites, "vielleicht"),
        ];
        let sites: Vec<HospitalSite> = allowed().into_iter().map(HospitalSite::listed).collect();
        let mut seen = Vec::new();
        for record in &records {
            for action in &actions {
                let outcome = bulk_outcome(record, action, today(), &sites);
                let kind = bulk_outcome_kind(record, action, today(), &sites);
                assert_eq!(kind, outcome.kind(), "{action:?} on {record:?}");
                seen.push(kind);
            }
        }
        for kind in [
            OutcomeKind::Changed,
            OutcomeKind::Unchanged,
            OutcomeKind::Rejected,
        ] {
            assert!(seen.contains(&kind), "no case gives {kind:?}");
        }
    }

    #[test]
    fn ending_all_assignments_at_month_end() {
        let action = BulkAction::EndSiteAssignment {
            site_number: None,
            end: today().end_of_month(),
        };
        let (after, changes) = apply(&form(), &action).expect("applies");
        // The assignment that ended in 2024 stays as it is.
        assert_eq!(changes, vec![change("sites[1].end", "offen", "30.11.2026")]);
        assert_eq!(after.sites[1].end, Some(d("30.11.2026")));
        assert_eq!(after.sites[0], form().sites[0]);
        // Applying it again changes nothing.
        let (again, changes) = apply(&after, &action).expect("applies");
        assert_eq!(changes, vec![]);
        assert_eq!(again, after);
    }

    #[test]
    fn ending_an_ended_assignment_later_is_unchanged() {
        let action = BulkAction::EndSiteAssignment {
            site_number: Some(site("773081000")),
            end: d("31.03.2025"),
        };
        let (after, changes) = apply(&form(), &action).expect("applies");
        assert_eq!(changes, vec![]);
        assert_eq!(after, form());
        assert_eq!(
            bulk_preview(&[form()], &action, today(), &allowed()),
            [BulkOutcome::Unchanged]
        );
        assert_eq!(BulkOutcome::Unchanged.summary(), "unverändert");
    }

    #[test]
    fn ending_earlier_shortens_a_planned_end() {
        let mut f = form();
        f.sites[1].end = Some(d("31.12.2027"));
        let action = BulkAction::EndSiteAssignment {
            site_number: Some(site("773082000")),
            end: d("31.12.2026"),
        };
        let (_, changes) = apply(&f, &action).expect("applies");
        assert_eq!(
            changes,
            vec![change("sites[1].end", "31.12.2027", "31.12.2026")]
        );
    }

    #[test]
    fn ending_before_the_start_is_an_error() {
        let action = BulkAction::EndSiteAssignment {
            site_number: Some(site("773082000")),
            end: d("31.12.2020"),
        };
        let errors = apply(&form(), &action).expect_err("rejected");
        assert_eq!(
            errors,
            vec![FieldError {
                field: "sites[1].end".into(),
                code: "date_before".into(),
                message: "Das Ende der Tätigkeit (31.12.2020) liegt vor dem Beginn der Tätigkeit (01.01.2021).".into(),
            }]
        );
    }

    #[test]
    fn ending_a_site_without_assignment_is_an_error() {
        let mut f = form();
        f.sites.truncate(1);
        let action = BulkAction::EndSiteAssignment {
            site_number: Some(site("773082000")),
            end: d("30.11.2026"),
        };
        let errors = apply(&f, &action).expect_err("rejected");
        assert_eq!(errors[0].field, "sites");
        assert_eq!(
            errors[0].message,
            "Keine Zuordnung zum Standort 773082000, die beendet werden könnte."
        );
    }

    #[test]
    fn adding_an_assignment() {
        let action = BulkAction::AddSiteAssignment {
            site_number: site("773081000"),
            start: d("01.01.2025"),
            end: None,
        };
        let (after, changes) = apply(&form(), &action).expect("applies");
        assert_eq!(
            changes,
            vec![change(
                "sites[2]",
                "(leer)",
                "773081000: 01.01.2025 – offen"
            )]
        );
        assert_eq!(after.sites.len(), 3);
        // Adding the same again changes nothing.
        assert_eq!(apply(&after, &action).map(|(_, c)| c), Ok(vec![]));
        // An overlapping one is rejected with the form's rule.
        let overlapping = BulkAction::AddSiteAssignment {
            site_number: site("773082000"),
            start: d("01.06.2025"),
            end: None,
        };
        let errors = apply(&form(), &overlapping).expect_err("rejected");
        assert_eq!(errors[0].field, "sites[2].site_number");
        assert_eq!(errors[0].code, "site_overlap");
        // A site of another hospital is rejected.
        let foreign = BulkAction::AddSiteAssignment {
            site_number: site("773686000"),
            start: d("01.06.2025"),
            end: None,
        };
        assert_eq!(
            apply(&form(), &foreign).map_err(|e| e[0].code.clone()),
            Err("site_not_allowed".to_owned())
        );
    }

    #[test]
    fn setting_fields() {
        let set = |field, value: &str| BulkAction::SetField {
            field,
            value: value.into(),
        };
        let (after, changes) = apply(&form(), &set(SettableField::AllSites, "ja")).expect("ok");
        assert!(after.all_sites);
        // "ja" starts today: "all sites" has a period like any assignment.
        assert_eq!(after.all_sites_start, Some(today()));
        assert_eq!(
            changes,
            vec![change("all_sites", "nein", "ja, ab 27.11.2026")]
        );
        let (after, changes) =
            apply(&form(), &set(SettableField::AllSites, "01.12.2026")).expect("ok");
        assert_eq!(after.all_sites_start, Some(d("01.12.2026")));
        assert_eq!(
            changes,
            vec![change("all_sites", "nein", "ja, ab 01.12.2026")]
        );
        let (after, changes) = apply(&after, &set(SettableField::AllSites, "nein")).expect("ok");
        assert_eq!((after.all_sites, after.all_sites_start), (false, None));
        assert_eq!(
            changes,
            vec![change("all_sites", "ja, ab 01.12.2026", "nein")]
        );

        let (_, changes) = apply(&form(), &set(SettableField::LastName, " Schmidt ")).expect("ok");
        assert_eq!(changes, vec![change("last_name", "Muster", "Schmidt")]);
        assert_eq!(
            apply(&form(), &set(SettableField::LastName, "Muster")).map(|(_, c)| c),
            Ok(vec![])
        );

        // The title needs a doctorate date: the whole record's rules apply.
        let errors = apply(&form(), &set(SettableField::DoctoralTitle, "ja")).expect_err("rule");
        assert_eq!(errors[0].code, "doctorate_date_required");

        let (_, changes) =
            apply(&form(), &set(SettableField::DoctorateDate, "20.02.2008")).expect("ok");
        assert_eq!(
            changes,
            vec![change("doctorate_date", "(leer)", "20.02.2008")]
        );
        let errors = apply(&form(), &set(SettableField::DoctorateDate, "20.2.08")).expect_err("x");
        assert_eq!(
            errors,
            vec![FieldError {
                field: "doctorate_date".into(),
                code: "date_format".into(),
                message: "Datum im Format TT.MM.JJJJ erwartet.".into()
            }]
        );
        let errors = apply(&form(), &set(SettableField::AllSites, "vielleicht")).expect_err("x");
        assert_eq!(
            errors[0].message,
            "Ungültiges Format: erwartet ja oder nein."
        );
    }

    #[test]
    fn selection_size() {
        assert_eq!(
            check_bulk_selection(0).map_err(|e| e.code),
            Err("selection_empty".to_owned())
        );
        assert_eq!(check_bulk_selection(1), Ok(()));
        assert_eq!(check_bulk_selection(25_000), Ok(()));
        assert_eq!(check_bulk_selection(MAX_BULK_RECORDS), Ok(()));
        let too_many = check_bulk_selection(MAX_BULK_RECORDS + 1).expect_err("too many");
        assert_eq!(too_many.field, "items");
        assert_eq!(
            too_many.message,
            "Eine Sammeländerung umfasst höchstens 100.000 Einträge; ausgewählt sind 100.001. Bitte die Auswahl aufteilen."
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1.000");
        assert_eq!(thousands(1_234_567), "1.234.567");
    }

    #[test]
    fn yes_no_values() {
        for yes in ["ja", "JA", " j", "true", "1", "x"] {
            assert_eq!(parse_yes_no(yes), Ok(true), "{yes}");
        }
        for no in ["nein", "N", "false", "0", ""] {
            assert_eq!(parse_yes_no(no), Ok(false), "{no}");
        }
        assert_eq!(yes_no(true), "ja");
        assert_eq!(yes_no(false), "nein");
    }

    #[test]
    fn settable_fields_and_action_json() {
        let keys: Vec<&str> = SettableField::ALL.iter().map(|f| f.key()).collect();
        assert_eq!(
            keys,
            ["last_name", "doctoral_title", "doctorate_date", "all_sites"]
        );
        for f in SettableField::ALL {
            assert_eq!(
                serde_json::to_string(&f).expect("serialises"),
                format!("\"{}\"", f.key())
            );
        }
        let action: BulkAction = serde_json::from_str(
            r#"{"action":"end_site_assignment","site_number":null,"end":"2026-11-30"}"#,
        )
        .expect("deserialises");
        assert_eq!(
            action,
            BulkAction::EndSiteAssignment {
                site_number: None,
                end: d("30.11.2026")
            }
        );
        let outcome = BulkOutcome::Changed {
            changes: vec![change("all_sites", "nein", "ja")],
        };
        assert_eq!(outcome.summary(), "1 Änderung");
        let json = serde_json::to_value(&outcome).expect("serialises");
        assert_eq!(json["outcome"], "changed");
        assert_eq!(json["changes"][0]["after"], "ja");
    }

    #[test]
    fn leaving_at_month_end_ends_all_sites_too() {
        let mut f = form();
        f.sites.clear();
        f.all_sites = true;
        f.all_sites_start = Some(d("01.01.2021"));
        let action = BulkAction::EndSiteAssignment {
            site_number: None,
            end: today().end_of_month(),
        };
        let (after, changes) = apply(&f, &action).expect("applies");
        assert_eq!(
            changes,
            vec![change("all_sites_end", "offen", "30.11.2026")]
        );
        assert_eq!(after.all_sites_end, Some(d("30.11.2026")));
        assert!(!after.is_active_on(d("01.12.2026")));
        assert_eq!(apply(&after, &action).map(|(_, c)| c), Ok(vec![]));
        // Before its start it is refused.
        let early = BulkAction::EndSiteAssignment {
            site_number: None,
            end: d("31.12.2020"),
        };
        assert_eq!(
            apply(&f, &early).map_err(|e| e[0].field.clone()),
            Err("all_sites_end".to_owned())
        );
    }

    #[test]
    fn ending_an_assignment_at_a_removed_site() {
        let sites = [
            HospitalSite {
                site_number: site("773081000"),
                valid_from: d("01.01.2000"),
                valid_until: None,
                in_directory: true,
            },
            HospitalSite {
                site_number: site("773082000"),
                valid_from: d("01.01.2000"),
                valid_until: Some(d("31.10.2026")),
                in_directory: false,
            },
        ];
        let end = BulkAction::EndSiteAssignment {
            site_number: None,
            end: today().end_of_month(),
        };
        let (after, _) = apply_bulk_at(&form(), &end, today(), &sites).expect("applies");
        assert_eq!(after.sites[1].end, Some(d("30.11.2026")));
        let add = BulkAction::AddSiteAssignment {
            site_number: site("773082000"),
            start: d("01.12.2026"),
            end: None,
        };
        let errors = apply_bulk_at(&after, &add, today(), &sites).expect_err("refused");
        assert_eq!(errors[0].code, "site_removed");
    }
}
