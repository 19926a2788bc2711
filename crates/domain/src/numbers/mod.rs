//! The 9-digit identification numbers of the domain as newtypes that can only hold valid values.

mod anr;
mod ik;
mod lbnr;
mod site;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

pub use anr::{Anr, AnrInfo, AnrPseudo};
pub use ik::{Ik, IkInfo};
pub use lbnr::{Lbnr, LbnrInfo, LbnrSubstitute, SUBSTITUTE_TRANSITION_END};
pub use site::{SiteInfo, SiteKind, SiteNumber};

/// Length of every number in this module.
pub(crate) const NUMBER_LEN: usize = 9;

/// Trims surrounding whitespace and checks that what remains is exactly `len` ASCII digits.
///
/// The order (empty, non-digit, length) is part of the contract: a typo is reported at its
/// position even when the length is also wrong, because that is the more helpful hint.
pub(crate) fn digit_string(input: &str, len: usize) -> Result<&str, ValidationError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Empty);
    }
    if let Some((index, found)) = trimmed
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(ValidationError::NonDigit {
            position: index + 1,
            found,
        });
    }
    // All ASCII from here on, so bytes and characters coincide.
    if trimmed.len() != len {
        return Err(ValidationError::WrongLength {
            expected: len,
            actual: trimmed.len(),
        });
    }
    Ok(trimmed)
}

/// The values of the `N` digits of `digits` starting at byte `start` (caller guarantees digits).
pub(crate) fn digit_values<const N: usize>(digits: &str, start: usize) -> [u8; N] {
    let bytes = digits.as_bytes();
    std::array::from_fn(|i| bytes[start + i] - b'0')
}

/// The shared trait impls of the number newtypes: string access, parsing, serde via `String`.
macro_rules! number_newtype {
    ($name:ident) => {
        impl $name {
            /// The nine digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::error::ValidationError;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::error::ValidationError;

            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use number_newtype;

/// Which kind of number a value is meant to be.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    Anr,
    Ik,
    Site,
    Lbnr,
}

impl NumberKind {
    /// Every kind, in the order shown to people.
    pub const ALL: [NumberKind; 4] = [Self::Anr, Self::Ik, Self::Site, Self::Lbnr];

    /// German name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Anr => "Arztnummer (ANR)",
            Self::Ik => "Institutionskennzeichen (IK)",
            Self::Site => "Standortnummer",
            Self::Lbnr => "Beschäftigtennummer (LBNR)",
        }
    }

    /// The wire value (as in JSON and URLs).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anr => "anr",
            Self::Ik => "ik",
            Self::Site => "site",
            Self::Lbnr => "lbnr",
        }
    }

    /// The kind with this wire value, e.g. from a `<select>` or a URL query.
    pub fn from_wire(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_string_checks_in_order() {
        assert_eq!(digit_string("", 9), Err(ValidationError::Empty));
        assert_eq!(digit_string(" \t\n", 9), Err(ValidationError::Empty));
        // Non-digit wins over wrong length.
        assert_eq!(
            digit_string("12a", 9),
            Err(ValidationError::NonDigit {
                position: 3,
                found: 'a'
            })
        );
        // Inner spaces are non-digits; surrounding ones are trimmed and not counted.
        assert_eq!(
            digit_string("  260 326822 ", 9),
            Err(ValidationError::NonDigit {
                position: 4,
                found: ' '
            })
        );
        // Positions count characters, not bytes.
        assert_eq!(
            digit_string("ä1ö", 9),
            Err(ValidationError::NonDigit {
                position: 1,
                found: 'ä'
            })
        );
        assert_eq!(
            digit_string("1ö", 9),
            Err(ValidationError::NonDigit {
                position: 2,
                found: 'ö'
            })
        );
        // Non-ASCII digits are not digits here.
        assert_eq!(
            digit_string("12٣", 9),
            Err(ValidationError::NonDigit {
                position: 3,
                found: '٣'
            })
        );
        assert_eq!(
            digit_string("1234567890", 9),
            Err(ValidationError::WrongLength {
                expected: 9,
                actual: 10
            })
        );
        assert_eq!(digit_string(" 123456789\n", 9), Ok("123456789"));
    }

    #[test]
    fn number_kind_wire_values_and_labels() {
        let wire: Vec<&str> = NumberKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(wire, ["anr", "ik", "site", "lbnr"]);
        for kind in NumberKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).expect("serialises"),
                format!("\"{}\"", kind.as_str())
            );
            assert_eq!(NumberKind::from_wire(kind.as_str()), Some(kind));
        }
        assert_eq!(NumberKind::from_wire("ANR"), None);
        assert_eq!(NumberKind::Anr.label(), "Arztnummer (ANR)");
        assert_eq!(NumberKind::Ik.label(), "Institutionskennzeichen (IK)");
        assert_eq!(NumberKind::Site.label(), "Standortnummer");
        assert_eq!(NumberKind::Lbnr.label(), "Beschäftigtennummer (LBNR)");
    }
}
