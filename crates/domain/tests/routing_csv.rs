//! Every IK in the care billing routing table of seed 004 must be accepted.
#![allow(clippy::unwrap_used)]

use le_domain::Ik;

/// Copied from the shared domain folder (seed 004), so the crate builds without it.
const ROUTING_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/care_billing_routing.csv"
));

#[test]
fn every_ik_in_the_routing_table_parses() {
    let mut lines = ROUTING_CSV.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let ik_columns: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, name)| name.starts_with("ik_"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        ik_columns.len(),
        4,
        "expected four IK columns in {header:?}"
    );

    let mut checked = 0;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(';').collect();
        for &col in &ik_columns {
            let value = cells[col];
            if let Err(err) = Ik::parse(value) {
                panic!("{value} ({}) in „{line}“: {err}", header[col]);
            }
            checked += 1;
        }
    }
    // 25 regions × 4 IK columns: guards against silently reading nothing.
    assert_eq!(checked, 100);
}
