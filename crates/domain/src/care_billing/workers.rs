//! Care workers' numbers per service line: a regular LBNR, or a substitute number with its reason
//! where the transition rules allow one (seed 004).
use serde::{Deserialize, Serialize};

use crate::directory::Date;
use crate::numbers::{LbnrSubstitute, SUBSTITUTE_TRANSITION_END};
use crate::{FieldError, Lbnr};

/// Service lines from this date on carry the worker's number (ISO date; data, seed 004).
pub const LBNR_REQUIRED_FROM: &str = "2023-01-01";

/// The only kind of service for which substitute numbers are allowed (ambulatory care).
pub const SUBSTITUTE_KIND: &str = "01";

/// A checked worker number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerNumber {
    Lbnr {
        number: Lbnr,
    },
    Substitute {
        number: Lbnr,
        reason: LbnrSubstitute,
    },
}

fn iso(date: &str) -> Date {
    Date::parse(date).unwrap_or(Date::MIN)
}

/// True when a service line of `kind` on `service_date` must carry a worker number: ambulatory
/// care (the services of § 36 (1) SGB XI, § 37 and § 37c SGB V are billed under kind 01) from
/// [`LBNR_REQUIRED_FROM`] on.
pub fn lbnr_required(kind: &str, service_date: Date) -> bool {
    kind.trim() == SUBSTITUTE_KIND && service_date >= iso(LBNR_REQUIRED_FROM)
}

/// Checks the worker number of one service line (field `lbnr`). Empty is fine only where no
/// number is required. Substitute numbers are allowed only for kind 01 and only for services up
/// to [`SUBSTITUTE_TRANSITION_END`]; the error says which number, why, and what to do.
pub fn check_worker_number(
    input: &str,
    kind: &str,
    service_date: Date,
) -> Result<Option<WorkerNumber>, FieldError> {
    let input = input.trim();
    if input.is_empty() {
        return if lbnr_required(kind, service_date) {
            Err(FieldError::new(
                "lbnr",
                "required",
                format!(
                    "Für ambulante Pflege ab dem {} ist die Beschäftigtennummer (LBNR) der Pflegekraft Pflicht.",
                    iso(LBNR_REQUIRED_FROM).to_german()
                ),
            ))
        } else {
            Ok(None)
        };
    }
    let number = Lbnr::parse(input).map_err(|e| {
        let mut error = e.for_field("lbnr");
        error.message = format!("Beschäftigtennummer: {}", error.message);
        error
    })?;
    let Some(reason) = number.substitute() else {
        return Ok(Some(WorkerNumber::Lbnr { number }));
    };
    if kind.trim() != SUBSTITUTE_KIND {
        return Err(FieldError::new(
            "lbnr",
            "substitute_not_allowed",
            format!(
                "Die Ersatznummer {} ({}) ist nur für ambulante Pflege (Leistungsart 01) erlaubt; bitte die LBNR der Pflegekraft angeben.",
                number.as_str(),
                reason.label()
            ),
        ));
    }
    let end = iso(SUBSTITUTE_TRANSITION_END);
    if service_date > end {
        return Err(FieldError::new(
            "lbnr",
            "substitute_expired",
            format!(
                "Die Ersatznummer {} ({}) galt nur für Leistungen bis zum {}; für Leistungen am {} ist die LBNR der Pflegekraft nötig.",
                number.as_str(),
                reason.label(),
                end.to_german(),
                service_date.to_german()
            ),
        ));
    }
    Ok(Some(WorkerNumber::Substitute { number, reason }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date::MIN)
    }

    fn code(r: Result<Option<WorkerNumber>, FieldError>) -> String {
        match r {
            Ok(Some(WorkerNumber::Lbnr { .. })) => "lbnr".to_owned(),
            Ok(Some(WorkerNumber::Substitute { .. })) => "substitute".to_owned(),
            Ok(None) => "none".to_owned(),
            Err(e) => e.code,
        }
    }

    #[test]
    fn the_transition_rules_of_seed_004() {
        let cases = [
            // (number, kind, service date, outcome)
            ("123456789", "01", "15.03.2024", "lbnr"),
            ("123456789", "07", "15.03.2024", "lbnr"),
            ("", "01", "15.03.2024", "required"),
            ("", "01", "31.12.2022", "none"),
            ("", "07", "15.03.2024", "none"),
            ("999999999", "01", "30.09.2023", "substitute"),
            ("999999998", "01", "01.07.2023", "substitute"),
            ("999999997", "01", "01.10.2023", "substitute_expired"),
            ("999999996", "01", "01.10.2023", "substitute_expired"),
            ("999999999", "10", "01.07.2023", "substitute_not_allowed"),
            ("12345678", "01", "15.03.2024", "wrong_length"),
            ("12345678x", "01", "15.03.2024", "non_digit"),
        ];
        for (number, kind, date, expected) in cases {
            assert_eq!(
                code(check_worker_number(number, kind, d(date))),
                expected,
                "{number} {kind} {date}"
            );
        }
    }

    #[test]
    fn messages_say_what_to_do() {
        let err = check_worker_number("999999997", "01", d("01.10.2023"))
            .err()
            .unwrap_or_else(|| panic!("refused"));
        assert_eq!(err.field, "lbnr");
        assert!(err.message.contains("30.09.2023"), "{}", err.message);
        assert!(
            err.message.contains("fehlt aus sonstigem Grund"),
            "{}",
            err.message
        );
    }
}
