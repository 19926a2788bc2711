//! Inspection lists announce on-site audits to their hospital only.
use le_domain::api::audits::{Inspection, InspectionList};

use super::*;

#[tokio::test]
async fn inspection_lists_announce_on_site_audits_to_their_hospital_only() {
    let app = demo().await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    let (case_a, _) = case_with_request(&app, &md).await;
    let (case_b, _) = case_with_request(&app, &md).await;
    let res = app
        .call(
            &md,
            "POST",
            "/api/v1/audits/inspections",
            Some(json!({
                "hospital_ik": HOSPITAL, "site_number": "773686000", "date": "2027-02-10",
                "case_ids": [case_a, case_b, case_a], "note": "Akten bereithalten"
            })),
        )
        .await;
    let inspection: Inspection = typed(res, StatusCode::CREATED).await;
    assert_eq!(inspection.date, iso("2027-02-10"));
    assert_eq!(
        inspection.cases.len(),
        2,
        "a case named twice is listed once"
    );
    for (body, field) in [
        (
            json!({"hospital_ik": HOSPITAL, "date": "2027-01-14", "case_ids": [case_a]}),
            "date",
        ),
        (
            json!({"hospital_ik": HOSPITAL, "date": "2027-02-10", "case_ids": [999_999]}),
            "case_ids",
        ),
        (
            json!({"hospital_ik": HOSPITAL, "date": "2027-02-10", "case_ids": []}),
            "case_ids",
        ),
        (
            json!({"hospital_ik": HOSPITAL, "site_number": "773081000", "date": "2027-02-10", "case_ids": [case_a]}),
            "site_number",
        ),
    ] {
        let res = app
            .call(
                &md,
                "POST",
                "/api/v1/audits/inspections",
                Some(body.clone()),
            )
            .await;
        assert_eq!(refused_fields(res).await[0], field, "{body}");
    }
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    let list: InspectionList = app.read(&clerk, "/api/v1/audits/inspections").await;
    assert!(
        list.inspections
            .iter()
            .any(|i| i.id == inspection.id && i.note == "Akten bereithalten")
    );
    let res = app
        .call(
            &clerk,
            "POST",
            "/api/v1/audits/inspections",
            Some(json!({"hospital_ik": HOSPITAL, "date": "2027-02-10", "case_ids": [case_a]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let other = app.second_hospital().await.client;
    let list: InspectionList = app.read(&other, "/api/v1/audits/inspections").await;
    assert_eq!(list.inspections, []);
}
