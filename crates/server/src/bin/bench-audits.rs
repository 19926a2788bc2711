//! Benchmark (not a test) of the audit exchange over real TCP connections: starts the router on
//! 127.0.0.1 with a temporary data directory, streams a 500 MB PDF-headed upload by hand-written
//! HTTP/1.1 in 1 MB chunks (throughput, peak memory growth of this process, which hosts the
//! server), then loads the inbox list with 64 keep-alive connections for about 10 s (requests/s,
//! p50/p99 latency).
//! Run: `cargo run --release -p le-server --bin bench-audits`.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use le_server::clock::SystemClock;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[path = "support/bench.rs"]
mod bench;
use bench::{Failure, proc_status_kb, read_response, sign_in};

const MB: u64 = 1024 * 1024;
const UPLOAD_BYTES: u64 = 500 * MB;
const CHUNK: usize = 1024 * 1024;
const CONNECTIONS: usize = 64;
const LOAD_SECONDS: u64 = 10;
/// Extra open cases (two requests each) on top of the demo data, so the inbox is not trivial.
const EXTRA_CASES: usize = 10;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let config = bench::demo_config(dir.path(), None).await?;
    let state = le_server::state_with_clock(config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    le_server::demo::seed(&state)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let app = le_server::app(state.clone());

    // A case with a request to upload to, and some more open cases for the inbox.
    let md = sign_in(&app, "md.gutachter").await?;
    let request_id = bench::open_cases(&app, &md, EXTRA_CASES + 1).await?;
    let (cookie, csrf) = sign_in(&app, "klinik.controlling").await?;

    // The real server on a TCP port.
    let addr = bench::serve(state.clone()).await?;

    // --- Upload: 500 MB in 1 MB chunks over one connection. ---
    let mut first = vec![0u8; CHUNK];
    let mut chunk = vec![0u8; CHUNK];
    let mut x: u32 = 7;
    for b in chunk.iter_mut() {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        *b = (x >> 16) as u8;
    }
    first.copy_from_slice(&chunk);
    first[..9].copy_from_slice(b"%PDF-1.7\n");
    // The server checks the end of a PDF too.
    let mut last = chunk.clone();
    let end = b"\ntrailer\n%%EOF\n";
    let at = last.len() - end.len();
    last[at..].copy_from_slice(end);
    let chunks = usize::try_from(UPLOAD_BYTES)? / CHUNK;
    let expected_sha = {
        let mut h = Sha256::new();
        h.update(&first);
        for _ in 1..chunks - 1 {
            h.update(&chunk);
        }
        h.update(&last);
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };

    let rss_before = proc_status_kb("VmRSS:").unwrap_or(0);
    // Reset the high-water mark so VmHWM afterwards is the peak of the upload (Linux ≥ 4.0).
    let hwm_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let peak = Arc::new(AtomicU64::new(rss_before));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let peak = peak.clone();
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                if let Some(rss) = proc_status_kb("VmRSS:") {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };

    let started = Instant::now();
    let mut tcp = TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let head = format!(
        "PUT /api/v1/audits/requests/{request_id}/files?name=bench.pdf HTTP/1.1\r\n\
         Host: {addr}\r\nCookie: {cookie}\r\nX-Requested-With: bench\r\nX-CSRF-Token: {csrf}\r\n\
         Content-Type: application/pdf\r\nContent-Length: {UPLOAD_BYTES}\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await?;
    tcp.write_all(&first).await?;
    for _ in 1..chunks - 1 {
        tcp.write_all(&chunk).await?;
    }
    tcp.write_all(&last).await?;
    let mut buf = Vec::new();
    let (status, body) = read_response(&mut tcp, &mut buf).await?;
    let seconds = started.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.join();
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if status != 201 {
        return Err(format!("upload answered {status}: {answer}").into());
    }
    let sampled_growth = peak.load(Ordering::Relaxed).saturating_sub(rss_before);
    let hwm_growth = proc_status_kb("VmHWM:").map(|h| h.saturating_sub(rss_before));
    let throughput = UPLOAD_BYTES as f64 / MB as f64 / seconds;
    let growth_mb = match (hwm_reset, hwm_growth) {
        (true, Some(h)) => h.max(sampled_growth),
        _ => sampled_growth,
    } as f64
        / MB as f64;
    println!(
        "upload {} MB PDF over HTTP/1.1 in 1 MB chunks: {seconds:.2} s, {throughput:.0} MB/s (target >= 200 MB/s)",
        UPLOAD_BYTES / MB
    );
    println!(
        "  stored {} bytes, SHA-256 {} ({})",
        answer["size"],
        answer["sha256"].as_str().unwrap_or("?"),
        if answer["sha256"] == expected_sha.as_str() {
            "matches the bytes sent"
        } else {
            "MISMATCH"
        }
    );
    println!(
        "  peak memory growth of the process: {growth_mb:.1} MB (target <= 64 MB; RSS before {:.0} MB, {})",
        rss_before as f64 / MB as f64,
        if hwm_reset {
            "VmHWM reset before the upload, and VmRSS sampled every 2 ms"
        } else {
            "VmRSS sampled every 2 ms"
        }
    );
    drop(tcp);

    // --- Inbox list: 64 keep-alive connections for ~10 s. ---
    let request = Arc::new(format!(
        "GET /api/v1/audits/inbox HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n"
    ));
    // One request first, to report the size of what is listed.
    let mut probe = TcpStream::connect(addr).await?;
    probe.write_all(request.as_bytes()).await?;
    let (status, body) = read_response(&mut probe, &mut Vec::new()).await?;
    let inbox: serde_json::Value = serde_json::from_slice(&body)?;
    if status != 200 {
        return Err(format!("inbox answered {status}").into());
    }
    drop(probe);
    let figures = bench::load(&[addr], |_| request.to_string(), CONNECTIONS, LOAD_SECONDS).await?;
    let elapsed = figures.seconds;
    println!(
        "inbox list ({} requests, {} notices, {} bytes a response) at {CONNECTIONS} keep-alive connections for {elapsed:.1} s:",
        inbox["requests"].as_array().map_or(0, Vec::len),
        inbox["notices"].as_array().map_or(0, Vec::len),
        body.len()
    );
    println!(
        "  {:.0} requests/s (target >= 3000), p50 {:.1} ms, p99 {:.1} ms (target <= 25 ms), {} requests, {} errors",
        figures.per_second(),
        figures.p50_ms,
        figures.p99_ms,
        figures.requests,
        figures.errors
    );
    Ok(())
}
