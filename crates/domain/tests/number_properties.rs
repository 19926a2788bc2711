//! Property tests of the number rules over generated inputs.
#![allow(clippy::unwrap_used)]

use le_domain::api::validate::{NumberInfo, check_number};
use le_domain::numbers::{AnrPseudo, SiteKind};
use le_domain::{Anr, Ik, Lbnr, NumberKind, SiteNumber, ValidationError};
use proptest::prelude::*;

fn digits_of<const N: usize>(value: u32) -> [u8; N] {
    let width = N;
    let s = format!("{value:0width$}");
    std::array::from_fn(|i| s.as_bytes()[i] - b'0')
}

/// A valid ANR from its parts, computed independently of `Anr::from_parts`.
fn anr_string(id: u32, group: u32) -> String {
    let check = Anr::check_digit(&digits_of::<6>(id));
    format!("{id:06}{check}{group:02}")
}

fn ik_string(class: u32, region: u32, serial: u32) -> String {
    let check = Ik::check_digit(&digits_of::<6>(region * 10_000 + serial));
    format!("{class:02}{region:02}{serial:04}{check}")
}

/// Replaces the digit at 1-based `position` of an ASCII digit string.
fn with_digit(s: &str, position: usize, digit: u8) -> String {
    let mut bytes = s.as_bytes().to_vec();
    bytes[position - 1] = b'0' + digit;
    String::from_utf8(bytes).unwrap()
}

fn parse_as(kind: NumberKind, value: &str) -> Result<NumberInfo, ValidationError> {
    match kind {
        NumberKind::Anr => Anr::parse(value).map(|n| NumberInfo::Anr(n.info())),
        NumberKind::Ik => Ik::parse(value).map(|n| NumberInfo::Ik(n.info())),
        NumberKind::Site => SiteNumber::parse(value).map(|n| NumberInfo::Site(n.info())),
        NumberKind::Lbnr => Lbnr::parse(value).map(|n| NumberInfo::Lbnr(n.info())),
    }
}

fn any_kind() -> impl Strategy<Value = NumberKind> {
    prop::sample::select(NumberKind::ALL.to_vec())
}

/// Inputs near the rules: valid numbers, near misses, wrong lengths and stray characters.
fn number_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{9}",
        "77[0-9]{4}0[0-9]{2}",
        "555555[0-9]{3}",
        "[0-9]{0,12}",
        "[ ]{0,2}[0-9 a-zä]{0,11}[ ]{0,2}",
        (0..=999_999u32, 0..=99u32).prop_map(|(id, g)| anr_string(id, g)),
        (0..=99u32, 0..=99u32, 0..=9_999u32).prop_map(|(c, r, s)| ik_string(c, r, s)),
    ]
}

proptest! {
    #[test]
    fn generated_anr_is_valid_and_round_trips(id in 0..=999_999u32, group in 0..=99u32) {
        let s = anr_string(id, group);
        let anr = Anr::parse(&s).unwrap();
        prop_assert_eq!(anr.to_string(), s.clone());
        prop_assert_eq!(anr.as_str().parse::<Anr>().unwrap(), anr.clone());
        let json = serde_json::to_string(&anr).unwrap();
        prop_assert_eq!(&json, &format!("\"{s}\""));
        prop_assert_eq!(serde_json::from_str::<Anr>(&json).unwrap(), anr.clone());
        prop_assert_eq!(Anr::from_parts(id, &format!("{group:02}")).unwrap(), anr.clone());
        prop_assert_eq!(anr.lifelong_id(), format!("{id:06}"));
        prop_assert_eq!(anr.specialty_group(), format!("{group:02}"));
    }

    #[test]
    fn every_wrong_anr_check_digit_is_rejected(
        id in 0..=999_999u32,
        group in 0..=99u32,
        wrong in 0..=9u8,
    ) {
        let valid = anr_string(id, group);
        let expected = Anr::check_digit(&digits_of::<6>(id));
        prop_assume!(wrong != expected);
        let changed = with_digit(&valid, 7, wrong);
        let result = Anr::parse(&changed);
        if valid.starts_with("555555") {
            // The explicit exception: any check digit is accepted.
            prop_assert_eq!(result.unwrap().pseudo(), Some(AnrPseudo::Pseudo555555));
        } else {
            prop_assert_eq!(
                result,
                Err(ValidationError::CheckDigit { position: 7, found: wrong, expected })
            );
        }
    }

    #[test]
    fn the_555555_exception_holds_for_every_check_digit(rest in "[0-9]{3}") {
        let anr = Anr::parse(&format!("555555{rest}")).unwrap();
        prop_assert_eq!(anr.pseudo(), Some(AnrPseudo::Pseudo555555));
    }

    #[test]
    fn generated_ik_is_valid_and_round_trips(
        class in 0..=99u32,
        region in 0..=99u32,
        serial in 0..=9_999u32,
    ) {
        let s = ik_string(class, region, serial);
        let ik = Ik::parse(&s).unwrap();
        prop_assert_eq!(ik.to_string(), s.clone());
        let json = serde_json::to_string(&ik).unwrap();
        prop_assert_eq!(serde_json::from_str::<Ik>(&json).unwrap(), ik.clone());
        prop_assert_eq!(ik.classification(), format!("{class:02}"));
        prop_assert_eq!(ik.region(), format!("{region:02}"));
    }

    #[test]
    fn every_wrong_ik_check_digit_is_rejected(
        class in 0..=99u32,
        region in 0..=99u32,
        serial in 0..=9_999u32,
        wrong in 0..=9u8,
    ) {
        let valid = ik_string(class, region, serial);
        let expected = valid.as_bytes()[8] - b'0';
        prop_assume!(wrong != expected);
        prop_assert_eq!(
            Ik::parse(&with_digit(&valid, 9, wrong)),
            Err(ValidationError::CheckDigit { position: 9, found: wrong, expected })
        );
    }

    #[test]
    fn ik_check_digit_ignores_the_classification(
        a in 0..=99u32,
        b in 0..=99u32,
        region in 0..=99u32,
        serial in 0..=9_999u32,
    ) {
        let one = ik_string(a, region, serial);
        let other = ik_string(b, region, serial);
        prop_assert_eq!(one.as_bytes()[8], other.as_bytes()[8]);
    }

    #[test]
    fn site_numbers_parse_and_have_a_site_as_parent(s in "77[0-9]{4}0[0-9]{2}") {
        let site = SiteNumber::parse(&s).unwrap();
        let parent = site.parent_site();
        prop_assert!(parent.is_site());
        prop_assert_eq!(parent.kind(), SiteKind::Site);
        prop_assert_eq!(&parent.as_str()[..6], &s[..6]);
        prop_assert_eq!(parent.parent_site(), parent.clone());
        prop_assert_eq!(site.is_site(), s.ends_with("00"));
        prop_assert_eq!(site.info().parent_site, parent.to_string());
        let json = serde_json::to_string(&site).unwrap();
        prop_assert_eq!(serde_json::from_str::<SiteNumber>(&json).unwrap(), site);
    }

    #[test]
    fn site_rules_are_enforced(s in "[0-9]{9}") {
        let result = SiteNumber::parse(&s);
        if !s.starts_with("77") {
            prop_assert_eq!(result, Err(ValidationError::SitePrefix { found: s[..2].to_owned() }));
        } else if s.as_bytes()[6] != b'0' {
            prop_assert_eq!(
                result,
                Err(ValidationError::SiteDigit7 { found: char::from(s.as_bytes()[6]) })
            );
        } else {
            prop_assert!(result.is_ok());
        }
    }

    #[test]
    fn every_nine_digits_are_an_lbnr(s in "[0-9]{9}") {
        let lbnr = Lbnr::parse(&s).unwrap();
        prop_assert_eq!(lbnr.as_str(), s.as_str());
        prop_assert_eq!(lbnr.substitute().is_some(), s.starts_with("99999999") && s.as_bytes()[8] >= b'6');
    }

    #[test]
    fn a_non_digit_is_reported_at_its_position(
        kind in any_kind(),
        prefix in "[0-9]{0,12}",
        found in any::<char>().prop_filter("not a digit, blank or grouping", |c| !c.is_ascii_digit() && !c.is_whitespace() && !matches!(c, '.' | '-' | '\u{202f}')),
        rest in "\\PC{0,12}",
    ) {
        let input = format!("{prefix}{found}{rest}");
        let error = ValidationError::NonDigit { position: prefix.len() + 1, found };
        prop_assert_eq!(parse_as(kind, &input), Err(error.clone()));
        prop_assert_eq!(error.position(), Some(prefix.len() + 1));
    }

    #[test]
    fn grouping_between_digits_is_ignored(
        kind in any_kind(),
        groups in prop::collection::vec("[0-9]{1,4}", 1..5),
        blank in prop::sample::select(vec![' ', '.', '-', '\u{a0}']),
    ) {
        let input = format!("  {} ", groups.join(&blank.to_string()));
        let digits: String = groups.concat();
        prop_assert_eq!(parse_as(kind, &input), parse_as(kind, &digits));
        prop_assert_eq!(le_domain::numbers::normalize_number(&input), digits);
    }

    #[test]
    fn doubled_blanks_are_non_digits(
        kind in any_kind(),
        head in "[0-9]{1,5}",
        blank in prop::sample::select(vec![' ', '\t', '\u{a0}']),
        tail in "[0-9]{1,5}",
    ) {
        let input = format!("  {head}{blank}{blank}{tail} ");
        prop_assert_eq!(
            parse_as(kind, &input),
            Err(ValidationError::NonDigit { position: head.len() + 1, found: blank })
        );
    }

    #[test]
    fn wrong_length_is_reported(kind in any_kind(), s in "[0-9]{1,20}") {
        prop_assume!(s.len() != 9);
        prop_assert_eq!(
            parse_as(kind, &s),
            Err(ValidationError::WrongLength { expected: 9, actual: s.len() })
        );
    }

    #[test]
    fn check_number_agrees_with_parse(kind in any_kind(), value in number_like()) {
        let result = check_number(kind, &value);
        prop_assert_eq!(result.kind, kind);
        prop_assert_eq!(&result.value, &value);
        match parse_as(kind, &value) {
            Ok(info) => {
                prop_assert!(result.valid);
                prop_assert!(result.errors.is_empty());
                prop_assert_eq!(result.info, Some(info));
            }
            Err(err) => {
                prop_assert!(!result.valid);
                prop_assert_eq!(result.errors, vec![err.detail()]);
                prop_assert_eq!(result.info, None);
            }
        }
    }
}
