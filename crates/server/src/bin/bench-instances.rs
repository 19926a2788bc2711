//! Benchmark (not a test) of the server on its database: the inbox list of a hospital system
//! (API token, `GET /api/v1/audits/inbox`) at 64 keep-alive connections for about 10 s, first
//! against one instance, then against two instances of the same installation (two states, each
//! with its own pools and listener, connections split between them) on the database the URL
//! names. Prints requests/s and latency percentiles of both, and their ratio.
//! Run: `bash scripts/bench-instances.sh` (SQLite, then a throwaway PostgreSQL), or
//! `cargo run --release -p le-server --bin bench-instances -- [postgres://…]` (SQLite without).
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt as _;
use le_server::clock::SystemClock;
use le_server::config::Config;

#[path = "support/bench.rs"]
mod bench;
use bench::{Failure, post_json, sign_in};

const CONNECTIONS: usize = 64;
const LOAD_SECONDS: u64 = 10;
/// Open cases (two requests each) on top of the demo data, so the inbox is not trivial.
const CASES: usize = 10;

/// Serves `state` on a free port of 127.0.0.1.
async fn serve(state: le_server::AppState) -> Result<SocketAddr, Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let service = le_server::app(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, service).await {
            eprintln!("server: {e}");
        }
    });
    Ok(addr)
}

fn print(label: &str, figures: &bench::Load) {
    println!(
        "  {label:<28} {:>7.0} requests/s, p50 {:>5.1} ms, p99 {:>5.1} ms ({} requests, {} errors)",
        figures.per_second(),
        figures.p50_ms,
        figures.p99_ms,
        figures.requests,
        figures.errors
    );
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let url = std::env::args().nth(1);
    let dir = tempfile::tempdir()?;
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><title>bench</title>",
    )?;
    let mut config = Config::with_dirs(dir.path().join("data"), dist);
    config.demo = true;
    if let Some(url) = &url {
        config.database_url = Some(url.clone());
        let key = dir.path().join("cluster.key");
        std::fs::write(
            &key,
            le_server::secrets::token()
                .as_bytes()
                .get(..32)
                .ok_or("key")?,
        )?;
        config.secret_key_file = Some(key);
    }
    let a = le_server::state_with_clock(config.clone(), Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    le_server::demo::seed(&a)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let app = le_server::app(a.clone());

    let md = sign_in(&app, "md.gutachter").await?;
    for n in 0..CASES {
        let case = post_json(
            &app,
            &md,
            "/api/v1/audits/cases",
            serde_json::json!({
                "hospital_ik": "260326822", "site_number": if n % 2 == 0 { "773686000" } else { "773687000" },
                "admission_number": format!("B-{n:04}"), "invoice_number": format!("R-{n:05}"),
                "admission_date": "2026-01-05", "discharge_date": "2026-01-19",
                "insurer_ik": "109905003", "subject": "Ist die Hauptdiagnose korrekt kodiert?"
            }),
        )
        .await?;
        let case_id = case["case"]["id"].as_i64().ok_or("no case id")?;
        for docs in [
            serde_json::json!(["discharge_letter", "ops_documentation"]),
            serde_json::json!(["nursing_documentation"]),
        ] {
            post_json(
                &app,
                &md,
                &format!("/api/v1/audits/cases/{case_id}/requests"),
                serde_json::json!({"documents": docs}),
            )
            .await?;
        }
    }
    let admin = sign_in(&app, "klinik.admin").await?;
    let token = post_json(
        &app,
        &admin,
        "/api/v1/api-tokens",
        serde_json::json!({"name": "KIS", "scopes": ["audits"]}),
    )
    .await?;
    let token = token["token"].as_str().ok_or("no token")?.to_owned();
    let request = |addr: SocketAddr| {
        format!(
            "GET /api/v1/audits/inbox HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n"
        )
    };

    let backend = a.database.backend();
    let one = serve(a.clone()).await?;
    // Warm-up (connections, statement caches), then the measured runs.
    bench::load(&[one], request, CONNECTIONS, 2).await?;
    let single = bench::load(&[one], request, CONNECTIONS, LOAD_SECONDS).await?;
    let b = le_server::state_with_clock(config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let two = serve(b).await?;
    bench::load(&[one, two], request, CONNECTIONS, 2).await?;
    let pair = bench::load(&[one, two], request, CONNECTIONS, LOAD_SECONDS).await?;
    println!(
        "inbox list with an API token on {backend}, {CONNECTIONS} keep-alive connections, {LOAD_SECONDS} s each:"
    );
    print("one instance", &single);
    print("two instances (one process)", &pair);
    println!(
        "  two instances / one: {:.2} (both share this machine's cores)",
        pair.per_second() / single.per_second()
    );
    Ok(())
}
