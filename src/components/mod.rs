//! Widgets shared by several pages.
pub mod page_title;
pub mod shell;
