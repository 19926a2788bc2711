//! One module per route.
pub mod area;
pub mod contact;
pub mod home;
pub mod not_found;
pub mod number_check;
