//! The directory page's loaded data, shared by the grid and the bulk and CSV panels (below both,
//! so that imports run one way: grid → bulk → data).
use std::collections::HashSet;

use le_domain::api::directory::{PhysicianTable, SiteList};
use le_domain::directory::PhysicianRecord;
use leptos::prelude::*;

use crate::api::Load;

/// The loaded physicians and sites, the filters' result and the selection.
#[derive(Clone, Copy)]
pub struct DirectoryData {
    pub sites: Load<SiteList>,
    /// The list as the server sent it, already in display order (the server sorts by the
    /// normalised name): read in place through [`DirectoryData::with_records`], never copied,
    /// since at 50,000 records a copy per change costs more than everything else together.
    /// `reload()` after bulk edits and imports.
    pub physicians: Load<PhysicianTable>,
    /// Ids of the selected records.
    pub selected: RwSignal<HashSet<i64>>,
    /// Positions (in the records) of those passing the filters, in display order.
    pub filtered: Memo<Vec<usize>>,
}

impl DirectoryData {
    /// Runs `f` on every record (none while loading or after a failure), tracking the list.
    pub fn with_records<R>(&self, f: impl FnOnce(&[PhysicianRecord]) -> R) -> R {
        self.physicians.with(|p| match p {
            Some(Ok(table)) => f(&table.rows.0),
            _ => f(&[]),
        })
    }

    /// [`DirectoryData::with_records`] without tracking (for event handlers).
    pub fn with_records_untracked<R>(&self, f: impl FnOnce(&[PhysicianRecord]) -> R) -> R {
        self.physicians.with_untracked(|p| match p {
            Some(Ok(table)) => f(&table.rows.0),
            _ => f(&[]),
        })
    }

    /// How many records are loaded.
    pub fn record_count(&self) -> usize {
        self.with_records(<[PhysicianRecord]>::len)
    }
}
