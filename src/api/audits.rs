//! Typed client of the audits API.
