//! What the benchmark binaries share: a demo portal's settings (SQLite, or a fresh database on a
//! PostgreSQL server), serving it on a port, the process's memory figures, percentiles, signing a
//! demo user in through the router, JSON calls, open audit cases, a minimal HTTP/1.1 client and
//! the keep-alive load generator that reports requests/s and latency percentiles. Included by each bench with
//! `#[path = "support/bench.rs"] mod bench;` (not a binary of its own).
#![allow(dead_code)]
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use axum::serve::ListenerExt as _;
use http_body_util::BodyExt;
use le_server::config::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The settings of a demo portal in `dir` (data and a stand-in SPA there): on the embedded
/// SQLite, or, given a PostgreSQL server's URL, on a fresh database of that server with a
/// cluster key file in `dir`.
pub async fn demo_config(dir: &std::path::Path, postgres: Option<&str>) -> Result<Config, Failure> {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><title>bench</title>",
    )?;
    let mut config = Config::with_dirs(dir.join("data"), dist);
    config.demo = true;
    if let Some(server) = postgres {
        config.database_url = Some(le_server::db::fresh_postgres_database(server, "bench").await?);
        let key = dir.join("cluster.key");
        std::fs::write(
            &key,
            le_server::secrets::token()
                .as_bytes()
                .get(..32)
                .ok_or("key")?,
        )?;
        config.secret_key_file = Some(key);
    }
    Ok(config)
}

/// Serves `state` on a free port of 127.0.0.1 (in the background); answers the address.
pub async fn serve(state: le_server::AppState) -> Result<SocketAddr, Failure> {
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

/// Opens `cases` audit cases of the demo hospital (two requests each) as the MD auditor
/// signed in as `md`; answers the first request's id.
pub async fn open_cases(
    app: &axum::Router,
    md: &(String, String),
    cases: usize,
) -> Result<i64, Failure> {
    let mut first_request = None;
    for n in 0..cases {
        let case = post_json(
            app,
            md,
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
            let request = post_json(
                app,
                md,
                &format!("/api/v1/audits/cases/{case_id}/requests"),
                serde_json::json!({"documents": docs}),
            )
            .await?;
            if first_request.is_none() {
                first_request = request["id"].as_i64();
            }
        }
    }
    Ok(first_request.ok_or("no request opened")?)
}

/// Reads a `kB` line of `/proc/self/status` (Linux), in bytes.
pub fn proc_status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb * 1024)
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Signs a demo user in through the router; returns (cookie, csrf token).
pub async fn sign_in(app: &axum::Router, username: &str) -> Result<(String, String), Failure> {
    let res = app
        .clone()
        .oneshot(Request::get("/api/v1/demo/accounts").body(Body::empty())?)
        .await?;
    let accounts: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await?.to_bytes())?;
    let account = accounts
        .as_array()
        .and_then(|a| a.iter().find(|x| x["username"] == username))
        .ok_or("demo account missing")?
        .clone();
    let body = serde_json::json!({"username": username, "password": account["password"], "code": account["code"]});
    let res = app
        .clone()
        .oneshot(
            Request::post("/api/v1/auth/sign-in")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))?,
        )
        .await?;
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no session cookie")?
        .to_owned();
    let session: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await?.to_bytes())?;
    let csrf = session["session"]["csrf_token"]
        .as_str()
        .ok_or("no csrf token")?
        .to_owned();
    Ok((cookie, csrf))
}

pub async fn post_json(
    app: &axum::Router,
    (cookie, csrf): &(String, String),
    uri: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, Failure> {
    let res = app
        .clone()
        .oneshot(
            Request::post(uri)
                .header(header::COOKIE, cookie)
                .header("x-requested-with", "bench")
                .header("x-csrf-token", csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))?,
        )
        .await?;
    let status = res.status();
    let json: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await?.to_bytes())?;
    if !status.is_success() {
        return Err(format!("{uri}: {status} {json}").into());
    }
    Ok(json)
}

/// Reads one HTTP/1.1 response (Content-Length or chunked) from `tcp`; returns (status, body).
pub async fn read_response(
    tcp: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> Result<(u16, Vec<u8>), Failure> {
    let mut tmp = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tcp.read(&mut tmp).await?;
        if n == 0 {
            return Err("connection closed before the response head".into());
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let header_value = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    buf.drain(..head_end);
    if let Some(len) = header_value("content-length") {
        let len: usize = len.parse()?;
        while buf.len() < len {
            let n = tcp.read(&mut tmp).await?;
            if n == 0 {
                return Err("connection closed in the body".into());
            }
            buf.extend_from_slice(&tmp[..n]);
        }
        let body = buf.drain(..len).collect();
        return Ok((status, body));
    }
    if header_value("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                    break i;
                }
                let n = tcp.read(&mut tmp).await?;
                if n == 0 {
                    return Err("connection closed in a chunk".into());
                }
                buf.extend_from_slice(&tmp[..n]);
            };
            let size_text = String::from_utf8_lossy(&buf[..line_end]).to_string();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
            buf.drain(..line_end + 2);
            while buf.len() < size + 2 {
                let n = tcp.read(&mut tmp).await?;
                if n == 0 {
                    return Err("connection closed in a chunk".into());
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            body.extend(buf.drain(..size));
            buf.drain(..2);
            if size == 0 {
                return Ok((status, body));
            }
        }
    }
    Ok((status, Vec::new()))
}

/// What a load run measured.
pub struct Load {
    pub requests: usize,
    pub errors: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// Sends `request_for(addr)` over `connections` keep-alive connections for `seconds`, spread
/// round-robin over `addrs` (one address: one instance; two: two instances); counts answers
/// other than 200 as errors.
pub async fn load(
    addrs: &[SocketAddr],
    request_for: impl Fn(SocketAddr) -> String,
    connections: usize,
    seconds: u64,
) -> Result<Load, Failure> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..connections {
        let addr = addrs[i % addrs.len()];
        let request = Arc::new(request_for(addr));
        tasks.push(tokio::spawn(async move {
            let mut latencies: Vec<f64> = Vec::new();
            let mut errors = 0u64;
            let Ok(mut tcp) = TcpStream::connect(addr).await else {
                return (latencies, 1);
            };
            let _ = tcp.set_nodelay(true);
            let mut buf = Vec::with_capacity(64 * 1024);
            while Instant::now() < deadline {
                let t = Instant::now();
                if tcp.write_all(request.as_bytes()).await.is_err() {
                    errors += 1;
                    break;
                }
                match read_response(&mut tcp, &mut buf).await {
                    Ok((200, _)) => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok(Load {
        requests: all.len(),
        errors,
        seconds,
        p50_ms: percentile(&all, 0.5),
        p99_ms: percentile(&all, 0.99),
    })
}
