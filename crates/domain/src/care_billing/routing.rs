//! Routing of deliveries by region (seed 004's table): which IKs receive a care service's data.
//!
//! The region is what the care service chose in its set-up. It is never derived from a
//! cost-bearer IK: Pfalz and Trier share one, so the table is keyed by region only.
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::directory::table::{LineError, map_header, read_rows};
use crate::error::ValidationError;
use crate::{FieldError, Ik};

const BUILTIN_TABLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/care_billing_routing.csv"
));

const COLUMNS: [&str; 6] = [
    "region",
    "ik_cost_bearer",
    "ik_physical_recipient",
    "ik_logical_recipient",
    "ik_care_insurer",
    "billing_office",
];

/// One row of the routing table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub region: String,
    pub cost_bearer: Ik,
    /// Where the file physically goes (the data acceptance point).
    pub physical_recipient: Ik,
    /// Who may decrypt it.
    pub logical_recipient: Ik,
    /// The care insurer (Pflegekasse), mandatory in every delivery.
    pub care_insurer: Ik,
    /// Where paper receipts of kind 01 go.
    pub billing_office: String,
}

/// Where a data carrier goes when a delivery is not sent by e-mail (seed 004: the data acceptance
/// point of KNAPPSCHAFT, IK 109905003, run by BITMARCK).
pub fn data_carrier_address(physical_recipient: &str) -> Option<&'static str> {
    match physical_recipient {
        "109905003" => Some("BITMARCK Service GmbH, Postfach 10 04 53, 45004 Essen"),
        _ => None,
    }
}

/// The routing table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingTable {
    routes: Vec<Route>,
}

impl RoutingTable {
    /// The table shipped with the crate.
    pub fn builtin() -> &'static RoutingTable {
        static TABLE: OnceLock<RoutingTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The embedded table is checked by a unit test, so this cannot fail in a tested build.
            #[allow(clippy::expect_used)]
            RoutingTable::from_csv(BUILTIN_TABLE)
                .expect("data/care_billing_routing.csv is valid (see builtin_table_is_valid)")
        })
    }

    /// Reads the `;`-separated table, checking every IK and that each region appears once.
    pub fn from_csv(text: &str) -> Result<RoutingTable, Vec<LineError>> {
        let rows = read_rows(text).map_err(|e| vec![e])?;
        let Some((header, rows)) = rows.split_first() else {
            return Err(vec![LineError::new(1, "", &ValidationError::Required)]);
        };
        let columns = map_header(header, &COLUMNS)?;
        let mut errors = Vec::new();
        let mut routes: Vec<Route> = Vec::new();
        for row in rows {
            let cell = |i: usize| row.fields.get(columns[i]).map_or("", |s| s.trim());
            let mut iks = Vec::with_capacity(4);
            for (i, name) in COLUMNS.iter().enumerate().take(5).skip(1) {
                match Ik::parse(cell(i)) {
                    Ok(ik) => iks.push(ik),
                    Err(e) => errors.push(LineError::new(row.line, name, &e)),
                }
            }
            let region = cell(0);
            if region.is_empty() {
                errors.push(LineError::new(
                    row.line,
                    "region",
                    &ValidationError::Required,
                ));
                continue;
            }
            if routes.iter().any(|r| r.region == region) {
                errors.push(LineError::new(
                    row.line,
                    "region",
                    &ValidationError::Format {
                        expected: "jede Region nur einmal",
                    },
                ));
                continue;
            }
            if let [cost_bearer, physical, logical, insurer] = iks.as_slice() {
                routes.push(Route {
                    region: region.to_owned(),
                    cost_bearer: cost_bearer.clone(),
                    physical_recipient: physical.clone(),
                    logical_recipient: logical.clone(),
                    care_insurer: insurer.clone(),
                    billing_office: cell(5).to_owned(),
                });
            }
        }
        if errors.is_empty() {
            Ok(RoutingTable { routes })
        } else {
            Err(errors)
        }
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The regions to choose from, in the table's order.
    pub fn regions(&self) -> impl Iterator<Item = &str> {
        self.routes.iter().map(|r| r.region.as_str())
    }

    /// The route of the chosen region, or an error for the field `region`.
    pub fn route(&self, region: &str) -> Result<&Route, FieldError> {
        let region = region.trim();
        if region.is_empty() {
            return Err(FieldError::new(
                "region",
                "required",
                "Bitte die Region wählen, in der der Pflegedienst abrechnet.".to_owned(),
            ));
        }
        self.routes
            .iter()
            .find(|r| r.region == region)
            .ok_or_else(|| {
                FieldError::new(
                    "region",
                    "unknown_region",
                    format!(
                        "Unbekannte Region „{region}“: bitte eine Region der Liste wählen (z. B. Nordrhein, Westfalen-Lippe, Pfalz)."
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_is_valid() {
        let table = RoutingTable::from_csv(BUILTIN_TABLE).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(table.routes().len(), 25);
        assert_eq!(RoutingTable::builtin(), &table);
    }

    #[test]
    fn every_row_routes_to_the_data_acceptance_point_with_the_care_insurer() {
        let table = RoutingTable::builtin();
        for region in table.regions() {
            let route = table.route(region).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(route.region, region);
            assert_eq!(route.physical_recipient.as_str(), "109905003");
            assert_eq!(route.logical_recipient.as_str(), "109905003");
            assert_eq!(route.care_insurer.as_str(), "189905003");
            assert!(!route.billing_office.is_empty());
        }
    }

    #[test]
    fn regions_are_not_keyed_by_cost_bearer() {
        let table = RoutingTable::builtin();
        let pfalz = table.route("Pfalz").unwrap_or_else(|e| panic!("{e:?}"));
        let trier = table.route("Trier").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(pfalz.cost_bearer, trier.cost_bearer);
        assert_ne!(pfalz.region, trier.region);
        assert_eq!(
            table
                .route("Westfalen-Lippe")
                .map(|r| r.billing_office.as_str()),
            Ok("Hamburg")
        );
    }

    #[test]
    fn unknown_and_missing_regions_are_field_errors() {
        let table = RoutingTable::builtin();
        assert_eq!(
            table.route("").map_err(|e| e.code),
            Err("required".to_owned())
        );
        assert_eq!(
            table.route("Rheinland-Pfalz").map_err(|e| e.code),
            Err("unknown_region".to_owned())
        );
    }

    #[test]
    fn a_wrong_ik_in_the_table_names_line_and_column() {
        let text = "region;ik_cost_bearer;ik_physical_recipient;ik_logical_recipient;ik_care_insurer;billing_office\n\
                    Bayern;108405007;109905003;109905003;189905003;Weilburg\n";
        let errors = RoutingTable::from_csv(text).err().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].line, errors[0].field.as_str()),
            (2, "ik_cost_bearer")
        );
    }
}
