//! Storage of the access area: plain SQL through sqlx, and the only code of this area that talks
//! to the database. One file per table group; everything is re-exported here, so callers write
//! `store::user_by_id`.
//!
//! - [`institutions`]: institutions and access to a shared Haupt-IK
//! - [`users`]: accounts, roles, passwords, second factor, the demo mark
//! - [`recovery_codes`]: one-time recovery codes
//! - [`sessions`]: sign-in sessions
//! - [`registrations`]: self-registrations and their decision
//! - [`tokens`]: API tokens of hospital and HR systems
//! - [`throttle`]: attempt counters of sign-ins and registrations
pub mod institutions;
pub mod recovery_codes;
pub mod registrations;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use institutions::*;
pub use recovery_codes::*;
pub use registrations::*;
pub use sessions::*;
pub use throttle::*;
pub use tokens::*;
pub use users::*;
