//! Widgets shared by several pages.
pub mod confirm;
pub mod credential_letter;
pub mod data;
pub mod form;
pub mod guard;
pub mod later;
pub mod mutation;
pub mod page_title;
pub mod password_form;
pub mod qr_code;
pub mod recovery_codes;
pub mod shell;
