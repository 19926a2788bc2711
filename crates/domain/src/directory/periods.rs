//! Activity periods (Tätigkeitszeiträume): computed from the site assignments, never entered.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::parts::SiteAssignment;

/// A period of work at the hospital: first day and inclusive last day (`None` = still working).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityPeriod {
    pub start: Date,
    pub end: Option<Date>,
}

/// The union of all site periods, merged where they overlap or touch (an end on the 31st and a
/// start on the 1st make one period), sorted by start. Assignments without a start are ignored
/// (they are invalid anyway); an end before its start is treated as a one-day period at the start.
pub fn activity_periods(sites: &[SiteAssignment]) -> Vec<ActivityPeriod> {
    let mut periods: Vec<ActivityPeriod> = sites
        .iter()
        .filter_map(|s| {
            let start = s.start?;
            Some(ActivityPeriod {
                start,
                end: s.end.map(|end| end.max(start)),
            })
        })
        .collect();
    periods.sort_by_key(|p| p.start);
    let mut merged: Vec<ActivityPeriod> = Vec::with_capacity(periods.len());
    for period in periods {
        match merged.last_mut() {
            // An open last period swallows everything after its start.
            Some(last) if last.end.is_none() => {}
            Some(last) if last.end.is_some_and(|end| period.start <= end.add_days(1)) => {
                last.end = match (last.end, period.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push(period),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    fn a(start: &str, end: Option<&str>) -> SiteAssignment {
        SiteAssignment {
            site_number: "773081000".into(),
            start: Some(d(start)),
            end: end.map(d),
        }
    }

    fn p(start: &str, end: Option<&str>) -> ActivityPeriod {
        ActivityPeriod {
            start: d(start),
            end: end.map(d),
        }
    }

    #[test]
    fn merges_overlapping_and_touching_periods() {
        let sites = [
            a("01.01.2021", None),
            a("01.01.2020", Some("31.12.2024")),
            a("01.03.2015", Some("30.06.2016")),
            a("01.07.2016", Some("31.12.2017")),
            a("01.06.2018", Some("30.06.2018")),
        ];
        assert_eq!(
            activity_periods(&sites),
            [
                p("01.03.2015", Some("31.12.2017")),
                p("01.06.2018", Some("30.06.2018")),
                p("01.01.2020", None),
            ]
        );
        // A gap of one day keeps periods apart.
        assert_eq!(
            activity_periods(&[a("01.01.2020", Some("30.06.2020")), a("02.07.2020", None)]),
            [p("01.01.2020", Some("30.06.2020")), p("02.07.2020", None)]
        );
        assert_eq!(activity_periods(&[]), []);
        let mut no_start = a("01.01.2020", None);
        no_start.start = None;
        assert_eq!(activity_periods(&[no_start]), []);
    }

    /// Day offsets from 01.01.2020 as assignments; `None` end = open.
    fn assignments(spec: &[(i32, Option<i32>)]) -> Vec<SiteAssignment> {
        let base = d("01.01.2020");
        spec.iter()
            .map(|&(start, len)| SiteAssignment {
                site_number: "773081000".into(),
                start: Some(base.add_days(start)),
                end: len.map(|l| base.add_days(start + l)),
            })
            .collect()
    }

    fn covered(day: Date, periods: &[ActivityPeriod]) -> bool {
        periods
            .iter()
            .any(|p| p.start <= day && p.end.is_none_or(|e| day <= e))
    }

    proptest! {
        #[test]
        fn union_covers_exactly_the_days_of_the_inputs(
            spec in prop::collection::vec((0i32..200, prop::option::weighted(0.85, 0i32..40)), 0..8)
        ) {
            let sites = assignments(&spec);
            let merged = activity_periods(&sites);
            let inputs: Vec<ActivityPeriod> = sites
                .iter()
                .map(|s| ActivityPeriod { start: s.start.unwrap_or(Date::MIN), end: s.end })
                .collect();
            let base = d("01.01.2020");
            for offset in -5..300 {
                let day = base.add_days(offset);
                prop_assert_eq!(covered(day, &merged), covered(day, &inputs), "day {}", day);
            }
            // Sorted, disjoint and not touching: one more day between neighbours at least.
            for pair in merged.windows(2) {
                let end = pair[0].end.expect("only the last period can be open");
                prop_assert!(end.add_days(1) < pair[1].start);
            }
        }
    }
}
