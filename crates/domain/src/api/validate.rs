//! `POST /api/v1/validate`: check numbers of any kind, one result per item.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorDetail, ValidationError};
use crate::numbers::{Anr, AnrInfo, Ik, IkInfo, Lbnr, LbnrInfo, NumberKind, SiteInfo, SiteNumber};

/// Most items one request may carry; the server rejects larger requests before checking them.
pub const MAX_VALIDATE_ITEMS: usize = 10_000;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidateRequest {
    pub items: Vec<ValidateItem>,
}

/// One number to check, as entered.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidateItem {
    pub kind: NumberKind,
    pub value: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidateResponse {
    /// In the order of the request's items.
    pub results: Vec<ValidateResult>,
}

/// The outcome for one item.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidateResult {
    pub kind: NumberKind,
    /// The value exactly as sent, so clients can match it to their input.
    pub value: String,
    pub valid: bool,
    /// Empty when valid.
    pub errors: Vec<ErrorDetail>,
    /// What the number says; `null` when invalid.
    pub info: Option<NumberInfo>,
}

/// The kind-specific details of a valid number, tagged with its kind.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NumberInfo {
    Anr(AnrInfo),
    Ik(IkInfo),
    Site(SiteInfo),
    Lbnr(LbnrInfo),
}

/// Checks one value as a number of `kind`: the one function behind both the live check in the SPA
/// and the server's endpoint, so both always agree.
pub fn check_number(kind: NumberKind, value: &str) -> ValidateResult {
    let outcome: Result<NumberInfo, ValidationError> = match kind {
        NumberKind::Anr => Anr::parse(value).map(|n| NumberInfo::Anr(n.info())),
        NumberKind::Ik => Ik::parse(value).map(|n| NumberInfo::Ik(n.info())),
        NumberKind::Site => SiteNumber::parse(value).map(|n| NumberInfo::Site(n.info())),
        NumberKind::Lbnr => Lbnr::parse(value).map(|n| NumberInfo::Lbnr(n.info())),
    };
    let (errors, info) = match outcome {
        Ok(info) => (Vec::new(), Some(info)),
        Err(err) => (vec![err.detail()], None),
    };
    ValidateResult {
        kind,
        value: value.to_owned(),
        valid: errors.is_empty(),
        errors,
        info,
    }
}

/// Checks every item, keeping the request's order. Does not enforce [`MAX_VALIDATE_ITEMS`]: that
/// is the caller's decision (the server answers with an error instead).
pub fn validate(req: &ValidateRequest) -> ValidateResponse {
    ValidateResponse {
        results: req
            .items
            .iter()
            .map(|item| check_number(item.kind, &item.value))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_items_keep_their_order() {
        let req = ValidateRequest {
            items: vec![
                ValidateItem {
                    kind: NumberKind::Ik,
                    value: "260326823".to_owned(),
                },
                ValidateItem {
                    kind: NumberKind::Anr,
                    value: " 838382202".to_owned(),
                },
                ValidateItem {
                    kind: NumberKind::Site,
                    value: "773081012".to_owned(),
                },
                ValidateItem {
                    kind: NumberKind::Lbnr,
                    value: "".to_owned(),
                },
            ],
        };
        let res = validate(&req);
        let valid: Vec<bool> = res.results.iter().map(|r| r.valid).collect();
        assert_eq!(valid, [false, true, true, false]);
        assert_eq!(res.results[0].errors[0].code, "check_digit");
        assert_eq!(res.results[0].errors[0].position, Some(9));
        assert_eq!(res.results[0].info, None);
        // The value is echoed as sent, untrimmed.
        assert_eq!(res.results[1].value, " 838382202");
        assert!(matches!(res.results[1].info, Some(NumberInfo::Anr(_))));
        assert!(matches!(res.results[2].info, Some(NumberInfo::Site(_))));
        assert_eq!(res.results[3].errors[0].code, "empty");
        assert!(
            validate(&ValidateRequest { items: vec![] })
                .results
                .is_empty()
        );
    }
}
