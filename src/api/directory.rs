//! Typed client of the directory API.
