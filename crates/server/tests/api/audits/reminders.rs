//! E-mail reminders of audit deadlines against a real SMTP sink (`scripts/smtp_sink.py`): one
//! digest per recipient at a reminder point, never twice (also with two instances running the
//! job at once), a German subject and deadline, and no mail after unsubscribing.
use axum::http::StatusCode;
use le_domain::api::audits::CaseList;
use le_server::audits::reminders::{ReminderRun, run_once};
use serde_json::json;

use super::close_case;
use crate::helpers::{START, SmtpSink, TestApp, as_user, demo_with_mail, people};

const DAY: i64 = 86_400;

/// The subject header with its RFC 2047 encoded words (UTF-8) decoded.
fn subject(mail: &str) -> String {
    let line = mail
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap()
        .trim_start_matches("Subject:")
        .trim()
        .to_owned();
    decode_words(&line)
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words (lettre encodes non-ASCII subjects).
fn decode_words(s: &str) -> String {
    use base64::Engine as _;
    let mut out = String::new();
    for word in s.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("=?utf-8?b?") {
            let payload = &word[10..10 + rest.len() - 2];
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(payload)
                .unwrap();
            out.push_str(&String::from_utf8(bytes).unwrap());
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[tokio::test]
async fn a_request_at_its_reminder_point_mails_each_recipient_exactly_once() {
    let sink = SmtpSink::start();
    let app = demo_with_mail(&sink, |c| {
        c.public_url = Some("https://portal.example".to_owned());
    })
    .await;
    let md = as_user(&app, people::MD_AUDITOR).await;
    // Close the demo's open cases: only our request counts.
    let list: CaseList = app.read(&md, "/api/v1/audits/cases?state=open").await;
    for case in &list.cases {
        let res = close_case(&app, &md, case.id).await;
        assert!(res.status().is_success(), "{}", res.status());
    }
    let (_, request) = app
        .case_with_request(
            &md,
            json!({"documents": ["discharge_letter", "fever_chart"]}),
        )
        .await;
    assert_eq!(request.deadline.due.to_german(), "12.03.2027");

    // 15 days before the deadline: nothing yet.
    app.clock.set(START + 41 * DAY);
    assert_eq!(
        run_once(&app.state, "a").await.unwrap(),
        Some(ReminderRun::default())
    );
    assert!(sink.mails().is_empty());

    // 14 days before: two instances run the job at the same time, then once more.
    app.clock.set(START + 42 * DAY);
    let (a, b) = tokio::join!(run_once(&app.state, "a"), run_once(&app.state, "b"));
    let sent: usize = [a.unwrap(), b.unwrap()]
        .iter()
        .flatten()
        .map(|r| r.mails)
        .sum();
    let again = run_once(&app.state, "b").await.unwrap().unwrap();
    assert_eq!(again.mails, 0, "a reminder goes out once");
    let mails = sink.mails();
    assert_eq!(sent, 2);
    assert_eq!(mails.len(), 2, "one mail per recipient");
    let mut recipients: Vec<String> = mails.iter().flat_map(|(r, _)| r.clone()).collect();
    recipients.sort();
    // The hospital's administration and Medizincontrolling; not the viewer, not HR.
    assert_eq!(
        recipients,
        [
            "klinik.admin@demo.example",
            "klinik.controlling@demo.example"
        ]
    );
    for (_, mail) in &mails {
        assert_eq!(
            subject(mail),
            "Fristerinnerung: Unterlagen an den MD bis 12.03.2027"
        );
        let body = mail.replace("=\r\n", "").replace("=\n", "");
        assert!(body.contains("12.03.2027"), "{body}");
        assert!(body.contains("A-2027-0042"), "{body}");
    }

    // The controller unsubscribes; at 3 days before only the administrator is mailed.
    let clerk = as_user(&app, people::AUDIT_CLERK).await;
    assert_eq!(
        super::set_email_reminders(&app, &clerk, false).await,
        StatusCode::OK
    );
    app.clock.set(START + 53 * DAY);
    let run = run_once(&app.state, "a").await.unwrap().unwrap();
    assert_eq!(run.mails, 1);
    let mails = sink.mails();
    assert_eq!(mails.len(), 3);
    assert_eq!(mails[2].0, ["klinik.admin@demo.example"]);

    // Entering the late window is a reminder point of its own.
    app.clock.set(START + 57 * DAY);
    assert_eq!(run_once(&app.state, "a").await.unwrap().unwrap().mails, 1);
    let mails = sink.mails();
    assert!(subject(&mails[3].1).contains("12.03.2027"));
    let body = mails[3].1.replace("=\r\n", "").replace("=\n", "");
    assert!(body.contains("Nachfrist bis 23.04.2027"), "{body}");
}

#[tokio::test]
async fn an_instance_holding_the_lease_keeps_others_out() {
    let app = TestApp::new().await;
    let now = START;
    assert!(
        le_server::audits::store::take_lease(&app.state.database, "job", "a", now, 600)
            .await
            .unwrap()
    );
    assert!(
        !le_server::audits::store::take_lease(&app.state.database, "job", "b", now + 1, 600)
            .await
            .unwrap()
    );
    assert!(
        le_server::audits::store::take_lease(&app.state.database, "job", "a", now + 2, 600)
            .await
            .unwrap(),
        "renewed"
    );
    // Expired: another instance takes over.
    assert!(
        le_server::audits::store::take_lease(&app.state.database, "job", "b", now + 700, 600)
            .await
            .unwrap()
    );
}
