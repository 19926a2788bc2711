//! The directory page's loaded data, shared by the grid and the bulk and CSV panels (below both,
//! so that imports run one way: grid → bulk → data).
use std::collections::HashSet;

use le_domain::api::directory::{PhysicianTable, SiteList};
use le_domain::directory::PhysicianRecord;
use leptos::prelude::*;

use crate::api::{ApiFailure, Load};

/// The loaded physicians and sites, the filters' result and the selection.
#[derive(Clone, Copy)]
pub struct DirectoryData {
    pub sites: Load<SiteList>,
    pub table: Physicians,
    /// Ids of the selected records.
    pub selected: RwSignal<HashSet<i64>>,
    /// Positions (in the records) of those passing the filters, in display order.
    pub filtered: Memo<Vec<usize>>,
}

impl DirectoryData {
    /// See [`Physicians::with_records`].
    pub fn with_records<R>(&self, f: impl FnOnce(&[PhysicianRecord]) -> R) -> R {
        self.table.with_records(f)
    }

    /// See [`Physicians::with_records_untracked`].
    pub fn with_records_untracked<R>(&self, f: impl FnOnce(&[PhysicianRecord]) -> R) -> R {
        self.table.with_records_untracked(f)
    }

    /// Loads the whole table again (after bulk edits and imports).
    pub fn reload(&self) {
        self.table.physicians.reload();
    }
}

/// The hospital's physicians as loaded for the grid.
#[derive(Clone, Copy)]
pub struct Physicians {
    /// The list as the server sent it, already in display order (the server sorts by the
    /// normalised name): read in place through [`Physicians::with_records`], never copied,
    /// since at 50,000 records a copy per change costs more than everything else together.
    pub physicians: Load<PhysicianTable>,
    /// The table's first rows (a small request sent alongside): shown until the whole table
    /// arrives for the first time, so that a large hospital sees its first screen at once.
    pub first_rows: Load<PhysicianTable>,
    /// Whether the whole table has arrived once: a reload after that shows "loading" again,
    /// never the first rows of an older state.
    pub full_seen: Memo<bool>,
}

/// What the grid can show of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum TableState {
    Loading,
    Failed(String),
    /// Only the first rows of `total` (the rest is loading).
    FirstRows {
        total: u64,
    },
    Complete,
}

impl Physicians {
    /// The loads of the whole table and of its first rows.
    pub fn new(physicians: Load<PhysicianTable>, first_rows: Load<PhysicianTable>) -> Physicians {
        let full_seen = Memo::new(move |before: Option<&bool>| {
            before.copied().unwrap_or(false) || physicians.with(|p| p.is_some())
        });
        Physicians {
            physicians,
            first_rows,
            full_seen,
        }
    }

    /// Runs `f` on the shown table (tracked): the whole table, or its first rows until the
    /// whole table first arrives; `Err` when it failed.
    fn with_table<R>(
        &self,
        f: impl FnOnce(Option<Result<&PhysicianTable, &ApiFailure>>) -> R,
    ) -> R {
        self.physicians.with(|full| match full {
            Some(answer) => f(Some(answer.as_ref())),
            // A failed first-rows request just means waiting for the whole table.
            None if !self.full_seen.get() => self
                .first_rows
                .with(|first| f(first.and_then(|r| r.as_ref().ok()).map(Ok))),
            None => f(None),
        })
    }

    /// Runs `f` on every shown record (none while loading or after a failure; only the first
    /// rows until the whole table is there), tracking the list.
    pub fn with_records<R>(&self, f: impl FnOnce(&[PhysicianRecord]) -> R) -> R {
        self.with_table(|t| match t {
            Some(Ok(table)) => f(&table.rows.0),
            _ => f(&[]),
        })
    }

    /// [`Physicians::with_records`] without tracking (for event handlers).
    pub fn with_records_untracked<R>(&self, f: impl FnOnce(&[PhysicianRecord]) -> R) -> R {
        untrack(|| self.with_records(f))
    }

    /// What the grid can show (tracked).
    pub fn table_state(&self) -> TableState {
        self.with_table(|t| match t {
            None => TableState::Loading,
            Some(Err(failure)) => TableState::Failed(failure.message.clone()),
            Some(Ok(table)) if table.is_complete() => TableState::Complete,
            Some(Ok(table)) => TableState::FirstRows { total: table.total },
        })
    }

    /// How many records the hospital has (also while only the first rows are there).
    pub fn record_count(&self) -> u64 {
        self.with_table(|t| match t {
            Some(Ok(table)) => table.total.max(table.rows.0.len() as u64),
            _ => 0,
        })
    }
}
