//! The demo audit exchange of the demo hospital, deterministic relative to the day of seeding:
//! requests in every deadline state the domain knows (open, due soon with a reminder, in the late
//! window, overdue, delivered), deliveries in time, in the late window and after it (with real
//! PDFs, one per delivered document, and a document declared unavailable), a closed case with
//! its expert report, an inspection list, and structure audits whose certificates are valid,
//! expire soon or have expired, besides an application waiting for the MD's decision.
use le_domain::api::audits::NoticeKind;
use le_domain::audits::{DocumentKind as K, deadline_dates, land_of_hospital_ik, lateness};

use crate::AppState;
use crate::audits::store::{self, FileOwner, NewCase, NewFile};
use crate::error::AppError;

const DAY: i64 = 86_400;
const MD: &str = "md.gutachter";
const CLERK: &str = "klinik.controlling";
const HOSPITAL: &str = super::DEMO_MAIN_IK;

/// A case of the demo hospital.
struct DemoCase {
    admission: &'static str,
    invoice: &'static str,
    site: &'static str,
    /// Days between admission and the day of seeding.
    admitted_ago: i32,
    stay: i32,
    subject: &'static str,
    /// Closed (days ago) after an expert report.
    closed_ago: Option<i64>,
}

const CASES: [DemoCase; 6] = [
    DemoCase {
        admission: "A-2026-0815",
        invoice: "R-204711",
        site: "773686000",
        admitted_ago: 120,
        stay: 14,
        subject: "Ist die Anzahl der Beatmungsstunden korrekt?",
        closed_ago: None,
    },
    DemoCase {
        admission: "A-2026-0902",
        invoice: "R-205230",
        site: "773687000",
        admitted_ago: 95,
        stay: 6,
        subject: "War die stationäre Aufnahme erforderlich (primäre Fehlbelegung)?",
        closed_ago: None,
    },
    DemoCase {
        admission: "A-2026-0733",
        invoice: "R-203998",
        site: "773686000",
        admitted_ago: 150,
        stay: 21,
        subject: "Ist die Hauptdiagnose korrekt kodiert?",
        closed_ago: None,
    },
    DemoCase {
        admission: "A-2026-0611",
        invoice: "R-202874",
        site: "773687000",
        admitted_ago: 230,
        stay: 9,
        subject: "Sind die Zusatzentgelte für Blutprodukte korrekt abgerechnet?",
        closed_ago: None,
    },
    DemoCase {
        admission: "A-2026-0688",
        invoice: "R-203311",
        site: "773686000",
        admitted_ago: 200,
        stay: 12,
        subject: "War die Verweildauer medizinisch begründet (sekundäre Fehlbelegung)?",
        closed_ago: None,
    },
    DemoCase {
        admission: "A-2026-0521",
        invoice: "R-201907",
        site: "773687000",
        admitted_ago: 260,
        stay: 5,
        subject: "Ist der OPS-Kode 5-820 (Implantation einer Endoprothese am Hüftgelenk) korrekt?",
        closed_ago: Some(10),
    },
];

/// A document request: its case (index into [`CASES`]), documents, free text, the days since
/// it reached the hospital, and its delivery if it was delivered.
struct DemoRequest {
    case: usize,
    documents: &'static [K],
    free_text: &'static str,
    received_ago: i32,
    delivered: Option<DemoDelivery>,
}

/// A delivery, `ago` days before seeding: a PDF for every requested document but those
/// declared unavailable (with the reason).
struct DemoDelivery {
    ago: i32,
    unavailable: &'static [(K, &'static str)],
}

/// With the default deadline of 8 weeks and 6 weeks of late window: 5 days → open, 49 → due in
/// about a week (a reminder), 60 → in the late window, 120 → overdue; the deliveries: 20 days
/// after receipt (in time), about 65 (late window) and about 120 (after it).
const REQUESTS: [DemoRequest; 7] = [
    DemoRequest {
        case: 0,
        documents: &[
            K::DischargeLetter,
            K::VentilationProtocol,
            K::IntensiveCareDocumentation,
        ],
        free_text: "",
        received_ago: 5,
        delivered: None,
    },
    DemoRequest {
        case: 1,
        documents: &[K::DischargeLetter, K::NursingDocumentation, K::FeverChart],
        free_text: "",
        received_ago: 49,
        delivered: None,
    },
    DemoRequest {
        case: 2,
        documents: &[K::DischargeLetter, K::OpsDocumentation, K::Other],
        free_text: "Konsilbefund Kardiologie vom Aufnahmetag",
        received_ago: 60,
        delivered: None,
    },
    DemoRequest {
        case: 2,
        documents: &[K::OperationReport],
        free_text: "",
        received_ago: 30,
        delivered: Some(DemoDelivery {
            ago: 10,
            unavailable: &[],
        }),
    },
    DemoRequest {
        case: 3,
        documents: &[K::DischargeLetter, K::LabResults, K::MedicationChart],
        free_text: "",
        received_ago: 120,
        delivered: None,
    },
    DemoRequest {
        case: 4,
        documents: &[K::DischargeLetter, K::NursingDocumentation, K::FeverChart],
        free_text: "",
        received_ago: 85,
        delivered: Some(DemoDelivery {
            ago: 20,
            unavailable: &[(
                K::FeverChart,
                "Die Vitalwerte wurden in der Pflegedokumentation geführt; eine gesonderte \
                 Fieberkurve gibt es für diesen Aufenthalt nicht.",
            )],
        }),
    },
    DemoRequest {
        case: 5,
        documents: &[K::DischargeLetter, K::OperationReport],
        free_text: "",
        received_ago: 150,
        delivered: Some(DemoDelivery {
            ago: 30,
            unavailable: &[],
        }),
    },
];

/// A structure audit of the demo hospital: OPS code, name, site, days since the application,
/// and the certificate's validity (days from seeding) if the MD certified it.
type DemoStructure = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<(i32, i32)>,
);

const STRUCTURE_AUDITS: [DemoStructure; 4] = [
    (
        "8-98f",
        "Intensivmedizinische Komplexbehandlung",
        "773686000",
        720,
        Some((-700, 60)),
    ),
    (
        "8-550",
        "Geriatrische frührehabilitative Komplexbehandlung",
        "773687000",
        400,
        Some((-380, 700)),
    ),
    (
        "8-981",
        "Neurologische Komplexbehandlung des akuten Schlaganfalls",
        "773686000",
        800,
        Some((-780, -30)),
    ),
    (
        "8-552",
        "Neurologisch-neurochirurgische Frührehabilitation",
        "773687000",
        4,
        None,
    ),
];

/// A PDF in the file store, stored as an upload is (local directory or object storage).
struct StoredPdf {
    stored_name: String,
    size: i64,
    sha256: String,
}

async fn store_pdf(state: &AppState, title: &str) -> Result<StoredPdf, AppError> {
    let bytes = super::demo_pdf(title);
    let stored_name = format!("{}.pdf", crate::secrets::token());
    let upload = state
        .storage
        .receive(
            &crate::audits::uploads::file_key(&stored_name),
            axum::body::Body::from(bytes.clone()).into_data_stream(),
            u64::MAX,
        )
        .await
        .map_err(|e| AppError::internal("demo file", format!("{e:?}")))?;
    let sha256 = upload.sha256.clone();
    upload
        .keep()
        .await
        .map_err(|e| AppError::internal("demo file", e))?;
    Ok(StoredPdf {
        stored_name,
        size: i64::try_from(bytes.len()).unwrap_or(0),
        sha256,
    })
}

/// A file name without spaces or slashes for a document of a case ("Entlassungsbericht /
/// Arztbrief" of A-2026-0733 → "Entlassungsbericht-Arztbrief_A-2026-0733.pdf").
fn file_name(label: &str, admission: &str) -> String {
    let stem: String = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{stem}_{admission}.pdf")
}

pub(super) async fn seed(state: &AppState) -> Result<(), AppError> {
    let now = state.clock.now();
    let today = crate::clock::today(state);
    let land = land_of_hospital_ik(HOSPITAL);
    let mut tx = state.database.begin_write().await?;
    let mut case_ids = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let admitted = today.add_days(-c.admitted_ago);
        let created =
            now - i64::from(c.admitted_ago - c.stay) * DAY + i64::try_from(i).unwrap_or(0) * 3600;
        let id = store::insert_case(
            &mut tx,
            &NewCase {
                hospital_ik: HOSPITAL,
                site_number: Some(c.site),
                admission_number: c.admission,
                invoice_number: c.invoice,
                admission_date: admitted,
                discharge_date: admitted.add_days(c.stay),
                insurer_ik: "109905003",
                subject: c.subject,
                created_by: MD,
                created_at: created.min(now),
            },
        )
        .await?;
        store::insert_notice(
            &mut tx,
            id,
            NoticeKind::Initial,
            c.subject,
            MD,
            created.min(now),
        )
        .await?;
        case_ids.push(id);
    }
    if let Some(&id) = case_ids.get(2) {
        store::insert_notice(
            &mut tx,
            id,
            NoticeKind::Extension,
            "Erweiterung: Sind die Prozeduren 8-98f (intensivmedizinische Komplexbehandlung) korrekt kodiert?",
            MD,
            now - 40 * DAY,
        )
        .await?;
    }
    for r in &REQUESTS {
        let (Some(&case_id), Some(case)) = (case_ids.get(r.case), CASES.get(r.case)) else {
            continue;
        };
        let received = today.add_days(-r.received_ago);
        let weeks = le_domain::audits::DEFAULT_DEADLINE_WEEKS;
        let request_id = store::insert_request(
            &mut tx,
            case_id,
            r.documents,
            r.free_text,
            received,
            weeks,
            MD,
            now - i64::from(r.received_ago) * DAY,
        )
        .await?;
        let Some(delivery) = &r.delivered else {
            continue;
        };
        let at = now - i64::from(delivery.ago) * DAY;
        for document in r.documents {
            if let Some((_, reason)) = delivery.unavailable.iter().find(|(d, _)| d == document) {
                store::insert_unavailable(&mut tx, request_id, *document, reason, CLERK, at - 900)
                    .await?;
                continue;
            }
            let label = document.label();
            let pdf =
                store_pdf(state, &format!("{label} (Demo) - Fall {}", case.admission)).await?;
            store::insert_file(
                &mut tx,
                &NewFile {
                    owner: FileOwner::Request {
                        request_id,
                        document: *document,
                    },
                    file_name: &file_name(label, case.admission),
                    stored_name: &pdf.stored_name,
                    size: pdf.size,
                    sha256: &pdf.sha256,
                    uploaded_at: at - 300,
                    uploaded_by: CLERK,
                },
            )
            .await?;
        }
        // Late or not as the server judges a submission: the Berlin day against the deadline.
        let (due, late_until) = deadline_dates(received, weeks, land);
        let on = le_domain::calendar::berlin_date(at);
        if let Some(delivery_id) = store::insert_delivery(
            &mut tx,
            request_id,
            at,
            CLERK,
            lateness(on, due, late_until),
        )
        .await?
        {
            store::acknowledge_delivery(&mut tx, delivery_id, at + 600, CLERK).await?;
        }
        store::settle_completion(&mut tx, request_id, at).await?;
    }
    for (c, &case_id) in CASES.iter().zip(&case_ids) {
        let Some(closed_ago) = c.closed_ago else {
            continue;
        };
        let pdf = store_pdf(state, &format!("Gutachten (Demo) - Fall {}", c.admission)).await?;
        store::insert_file(
            &mut tx,
            &NewFile {
                owner: FileOwner::Report { case_id },
                file_name: &format!("Gutachten_{}.pdf", c.admission),
                stored_name: &pdf.stored_name,
                size: pdf.size,
                sha256: &pdf.sha256,
                uploaded_at: now - (closed_ago + 2) * DAY,
                uploaded_by: MD,
            },
        )
        .await?;
    }
    let inspection_cases: Vec<i64> = case_ids.iter().take(2).copied().collect();
    store::insert_inspection(
        &mut tx,
        HOSPITAL,
        Some("773686000"),
        today.add_days(21),
        "Bitte die Patientenakten vollständig bereithalten.",
        MD,
        now - 2 * DAY,
        &inspection_cases,
    )
    .await?;
    for (ops, name, site, applied_ago, certificate) in STRUCTURE_AUDITS {
        let applied = now - applied_ago * DAY;
        let id =
            store::insert_structure_application(&mut tx, HOSPITAL, site, ops, name, CLERK, applied)
                .await?;
        let pdf = store_pdf(state, &format!("Strukturnachweis (Demo) - OPS {ops}")).await?;
        store::insert_file(
            &mut tx,
            &NewFile {
                owner: FileOwner::Evidence { structure_id: id },
                file_name: &format!("Strukturnachweis_{ops}.pdf"),
                stored_name: &pdf.stored_name,
                size: pdf.size,
                sha256: &pdf.sha256,
                uploaded_at: applied + 600,
                uploaded_by: CLERK,
            },
        )
        .await?;
        if let Some((from, until)) = certificate {
            store::certify_structure(
                &mut tx,
                id,
                MD,
                applied + 20 * DAY,
                today.add_days(from),
                today.add_days(until),
            )
            .await?;
        }
    }
    tx.commit().await?;
    for (c, &case_id) in CASES.iter().zip(&case_ids) {
        if let Some(closed_ago) = c.closed_ago {
            store::close_case(&state.database, case_id, now - closed_ago * DAY, MD).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_file_names_are_plain() {
        assert_eq!(
            file_name("Entlassungsbericht / Arztbrief", "A-2026-0733"),
            "Entlassungsbericht-Arztbrief_A-2026-0733.pdf"
        );
    }
}
