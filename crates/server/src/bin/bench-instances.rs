//! Benchmark (not a test) of the server on its database: the inbox list of a hospital system
//! (API token, `GET /api/v1/audits/inbox`) at 64 keep-alive connections for about 10 s, first
//! against one instance, then against two instances of the same installation (two states, each
//! with its own pools and listener, connections split between them) on the database the URL
//! names. Prints requests/s and latency percentiles of both, and their ratio.
//! Run: `bash scripts/bench-instances.sh` (SQLite, then a throwaway PostgreSQL), or
//! `cargo run --release -p le-server --bin bench-instances -- [postgres://…]` (SQLite without;
//! with a server's URL, on a fresh database of that server).
use std::net::SocketAddr;
use std::sync::Arc;

use le_server::clock::SystemClock;

#[path = "support/bench.rs"]
mod bench;
use bench::{Failure, post_json, sign_in};

const CONNECTIONS: usize = 64;
const LOAD_SECONDS: u64 = 10;
/// Open cases (two requests each) on top of the demo data, so the inbox is not trivial.
const CASES: usize = 10;

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
    let server = std::env::args().nth(1);
    let dir = tempfile::tempdir()?;
    let config = bench::demo_config(dir.path(), server.as_deref()).await?;
    let a = le_server::state_with_clock(config.clone(), Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    le_server::demo::seed(&a)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let app = le_server::app(a.clone());

    let md = sign_in(&app, "md.gutachter").await?;
    bench::open_cases(&app, &md, CASES).await?;
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
    let one = bench::serve(a.clone()).await?;
    // Warm-up (connections, statement caches), then the measured runs.
    bench::load(&[one], request, CONNECTIONS, 2).await?;
    let single = bench::load(&[one], request, CONNECTIONS, LOAD_SECONDS).await?;
    let b = le_server::state_with_clock(config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let two = bench::serve(b).await?;
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
