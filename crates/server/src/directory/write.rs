//! The one write path of a hospital's edits (form, REST, HR CSV import, bulk edit and its undo):
//! the domain's write rule, one ANR at most once per Haupt-IK, the version check, and the
//! regrouping of an in-training ANR, all inside the caller's transaction.
use super::caller::HospitalCaller;
use super::store;
use crate::db::Tx;
use crate::error::AppError;
use le_domain::ValidationError;
use le_domain::directory::{
    Date, PhysicianForm, PhysicianRecord, SpecialtyCatalog, check_write,
    regroup_after_first_recognition,
};

/// Where a saved record stands.
#[derive(Debug, Clone, Copy)]
pub struct Saved {
    pub id: i64,
    pub version: i64,
}

pub fn version_conflict() -> AppError {
    AppError::Conflict {
        code: "version_conflict",
        message:
            "Der Eintrag wurde inzwischen geändert. Bitte neu laden und die Änderung wiederholen."
                .to_owned(),
    }
}

/// The rule errors of writing `form` over `current` (`None`: a new record), as a 422.
pub fn check(
    caller: &HospitalCaller,
    current: Option<&PhysicianRecord>,
    form: &PhysicianForm,
    today: Date,
) -> Result<(), AppError> {
    let errors = check_write(current, form, today, &caller.sites);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Saves `form` as a new record or over `current` (which must still be at its version). The
/// registry is changed only when the first recognition regroups an in-training ANR, and only for
/// the registry person linked to this record, after the version check, in this transaction;
/// other records linked to the same person (in other hospitals) get the new number with it.
pub async fn save(
    tx: &mut Tx,
    caller: &HospitalCaller,
    current: Option<&PhysicianRecord>,
    form: &PhysicianForm,
    today: Date,
    now: i64,
) -> Result<Saved, AppError> {
    check(caller, current, form, today)?;
    let main_ik = caller.main_ik.as_str();
    // An ANR the record already carries cannot be another's (the unique index holds that), so
    // only a new or changed one is looked up: a bulk edit of 25,000 records skips the query.
    let anr_changed = current.is_none_or(|c| c.form.anr_input() != form.anr_input());
    if anr_changed
        && let Some(anr) = form.anr_input()
        && store::other_with_anr(tx, main_ik, anr, current.map(|c| c.id))
            .await?
            .is_some()
    {
        return Err(AppError::Validation(vec![
            ValidationError::AnrTaken {
                anr: anr.to_owned(),
            }
            .for_field("anr"),
        ]));
    }
    let Some(current) = current else {
        let id = store::insert_physician(tx, main_ik, form, now).await?;
        return Ok(Saved { id, version: 1 });
    };
    let mut form = form.clone();
    // The regrouping is decided by the domain first; only then is the registry link read.
    let regrouped = match current.anr() {
        Some(anr) if current.anr_is_fixed() => {
            regroup_after_first_recognition(&anr, &form.specialties, SpecialtyCatalog::builtin())
                .ok()
                .flatten()
                .map(|new| (anr, new))
        }
        _ => None,
    };
    let regroup = match regrouped {
        Some((old, new)) => store::registry_link(tx, current.id)
            .await?
            .map(|lifelong_id| (lifelong_id, old, new)),
        None => None,
    };
    if let Some((_, _, new)) = &regroup {
        form.anr = Some(new.to_string());
    }
    let version = store::update_physician(tx, current.id, current.version, &form, None, now)
        .await?
        .ok_or_else(version_conflict)?;
    if let Some((lifelong_id, old, new)) = regroup {
        if !store::regroup_registry_anr(tx, lifelong_id, old.as_str(), new.as_str()).await? {
            return Err(AppError::Conflict {
                code: "registry_changed",
                message: "Die Arztnummer wurde in der zentralen Vergabe inzwischen geändert. Bitte neu laden.".to_owned(),
            });
        }
        store::regroup_linked_records(tx, lifelong_id, current.id, old.as_str(), new.as_str(), now)
            .await?;
    }
    Ok(Saved {
        id: current.id,
        version,
    })
}
