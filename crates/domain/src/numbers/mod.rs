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

/// Whether `c` may group the digits of a number as people write them ("838 382 202",
/// "260.326.822", "260-326-822"; also the non-breaking spaces word processors insert).
fn is_grouping(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// The digits of `input` without the usual grouping: surrounding whitespace is trimmed, and when
/// what remains is digits separated by single grouping characters, those are dropped. Anything
/// else comes back trimmed but unchanged, so that the checks below report it where it was typed.
///
/// The one place where server and browser decide how a number may be written.
pub fn normalize_number(input: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = input.trim();
    // Read without collecting the characters first: a bulk preview parses the numbers of
    // 50,000 records, most of them plain digits, which need no allocation at all.
    let mut grouping = false;
    let mut previous_digit = false;
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            previous_digit = true;
            continue;
        }
        if is_grouping(c) && previous_digit && chars.peek().is_some_and(char::is_ascii_digit) {
            grouping = true;
            previous_digit = false;
            continue;
        }
        return std::borrow::Cow::Borrowed(trimmed);
    }
    if grouping {
        std::borrow::Cow::Owned(trimmed.chars().filter(char::is_ascii_digit).collect())
    } else {
        std::borrow::Cow::Borrowed(trimmed)
    }
}

/// How far a partly typed number is: `Some((typed, len))` while the input (grouping allowed)
/// holds fewer than `len` digits and nothing else, so forms can show a neutral hint instead of an
/// error until the number is complete.
pub fn incomplete_number(input: &str, len: usize) -> Option<(usize, usize)> {
    let digits = normalize_number(input);
    let typed = digits.len();
    (typed > 0 && typed < len && digits.chars().all(|c| c.is_ascii_digit())).then_some((typed, len))
}

/// The neutral hint for a partly typed 9-digit number ("noch 6 von 9 Ziffern"), or `None`.
pub fn incomplete_hint(input: &str) -> Option<String> {
    incomplete_number(input, NUMBER_LEN).map(|(typed, len)| {
        format!(
            "{typed} von {len} Ziffern eingegeben – noch {}.",
            crate::text::count((len - typed) as u64, "Ziffer", "Ziffern")
        )
    })
}

/// Normalises the grouping (see [`normalize_number`]) and checks that exactly `len` ASCII digits
/// remain.
///
/// The order (empty, non-digit, length) is part of the contract: a typo is reported at its
/// position even when the length is also wrong, because that is the more helpful hint.
pub(crate) fn digit_string(input: &str, len: usize) -> Result<String, ValidationError> {
    let digits = normalize_number(input);
    if digits.is_empty() {
        return Err(ValidationError::Empty);
    }
    // Positions count characters: counted only when there is a non-digit to report.
    if !digits.bytes().all(|b| b.is_ascii_digit())
        && let Some((index, found)) = digits
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
    if digits.len() != len {
        return Err(ValidationError::WrongLength {
            expected: len,
            actual: digits.len(),
        });
    }
    Ok(digits.into_owned())
}

/// Serde helpers for request fields that hold a number as typed: a value written with the usual
/// grouping arrives as plain digits, so the server stores and compares one spelling. Anything
/// else is kept as sent (trimmed), and the form's rules report it.
pub mod as_typed {
    use serde::{Deserialize, Deserializer};

    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let value = String::deserialize(d)?;
        Ok(super::normalize_number(&value).into_owned())
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let value = Option::<String>::deserialize(d)?;
        Ok(value.map(|v| super::normalize_number(&v).into_owned()))
    }
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// Grammatical gender of the label's noun.
    pub fn gender(self) -> crate::text::Gender {
        match self {
            Self::Ik => crate::text::Gender::Neuter,
            Self::Anr | Self::Site | Self::Lbnr => crate::text::Gender::Feminine,
        }
    }

    /// The request to type one: "eine 9-stellige Arztnummer (ANR)", "ein 9-stelliges
    /// Institutionskennzeichen (IK)".
    pub fn with_indefinite_article(self) -> String {
        let gender = self.gender();
        format!(
            "{} {NUMBER_LEN}-stellig{} {}",
            gender.indefinite_accusative(),
            gender.adjective_ending_accusative(),
            self.label()
        )
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
        // Grouping between digits is dropped; surrounding blanks are trimmed.
        assert_eq!(digit_string("  260 326822 ", 9).as_deref(), Ok("260326822"));
        assert_eq!(digit_string("838 382 202", 9).as_deref(), Ok("838382202"));
        assert_eq!(digit_string("260.326.822", 9).as_deref(), Ok("260326822"));
        assert_eq!(
            digit_string("26-03-26\u{a0}822", 9).as_deref(),
            Ok("260326822")
        );
        // Doubled or dangling separators are no grouping: reported where they were typed.
        assert_eq!(
            digit_string("260  326822", 9),
            Err(ValidationError::NonDigit {
                position: 4,
                found: ' '
            })
        );
        assert_eq!(
            digit_string("260326822.", 9),
            Err(ValidationError::NonDigit {
                position: 10,
                found: '.'
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
        assert_eq!(digit_string(" 123456789\n", 9).as_deref(), Ok("123456789"));
    }

    /// The grouping rule as first written (collect the characters, then look at neighbours):
    /// the allocation-free reading must agree with it.
    fn normalize_reference(input: &str) -> String {
        let trimmed = input.trim();
        let chars: Vec<char> = trimmed.chars().collect();
        let grouped = chars.iter().any(|&c| is_grouping(c))
            && chars.iter().enumerate().all(|(i, &c)| {
                c.is_ascii_digit()
                    || (is_grouping(c)
                        && i > 0
                        && chars[i - 1].is_ascii_digit()
                        && chars.get(i + 1).is_some_and(char::is_ascii_digit))
            });
        if grouped {
            chars.into_iter().filter(char::is_ascii_digit).collect()
        } else {
            trimmed.to_owned()
        }
    }

    #[test]
    fn normalising_agrees_with_the_rule_as_first_written() {
        let inputs = [
            "",
            " ",
            "838382202",
            " 838382202\n",
            "838 382 202",
            "838  382 202",
            "260.326.822",
            "26-03-26\u{a0}822",
            "1\u{202f}2\u{2009}3",
            ".123",
            "123.",
            "1..2",
            "1.-2",
            "1 2 ",
            "a1 2",
            "1 2a",
            "ä1ö",
            "12٣",
            "1 ٣",
            "-1",
            "1-",
            "1 - 2",
            "773 686 000",
            "7",
        ];
        for input in inputs {
            assert_eq!(
                normalize_number(input),
                normalize_reference(input),
                "{input:?}"
            );
        }
        // Plain digits and anything that is no grouping come back without a copy.
        assert!(matches!(
            normalize_number(" 838382202 "),
            std::borrow::Cow::Borrowed("838382202")
        ));
        assert!(matches!(
            normalize_number("1..2"),
            std::borrow::Cow::Borrowed("1..2")
        ));
        assert!(matches!(
            normalize_number("1.2"),
            std::borrow::Cow::Owned(_)
        ));
    }

    #[test]
    fn incomplete_numbers_get_a_neutral_hint() {
        assert_eq!(incomplete_number("838", 9), Some((3, 9)));
        assert_eq!(incomplete_number("838 38", 9), Some((5, 9)));
        assert_eq!(incomplete_number("", 9), None);
        assert_eq!(incomplete_number("838382202", 9), None);
        assert_eq!(incomplete_number("83a", 9), None);
        assert_eq!(
            incomplete_hint("8").as_deref(),
            Some("1 von 9 Ziffern eingegeben – noch 8 Ziffern.")
        );
        assert_eq!(
            incomplete_hint("83838220").as_deref(),
            Some("8 von 9 Ziffern eingegeben – noch 1 Ziffer.")
        );
    }

    #[test]
    fn typed_numbers_arrive_as_digits() {
        #[derive(serde::Deserialize)]
        struct Form {
            #[serde(deserialize_with = "as_typed::string")]
            ik: String,
            #[serde(deserialize_with = "as_typed::option")]
            anr: Option<String>,
        }
        let form: Form =
            serde_json::from_str(r#"{"ik":" 260 326 822 ","anr":"838.382.202"}"#).expect("reads");
        assert_eq!(form.ik, "260326822");
        assert_eq!(form.anr.as_deref(), Some("838382202"));
        let form: Form = serde_json::from_str(r#"{"ik":"26x","anr":null}"#).expect("reads");
        assert_eq!(form.ik, "26x");
        assert_eq!(form.anr, None);
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
        assert_eq!(
            NumberKind::Ik.with_indefinite_article(),
            "ein 9-stelliges Institutionskennzeichen (IK)"
        );
        assert_eq!(
            NumberKind::Anr.with_indefinite_article(),
            "eine 9-stellige Arztnummer (ANR)"
        );
    }
}
