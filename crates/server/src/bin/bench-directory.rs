//! Benchmark (not a test) of the directory's server side: seeds 5,000 physicians in one
//! hospital and 200,000 people in the national registry, then prints the time to list them, to
//! apply one bulk change to all 5,000 and undo it, and the p50/p95 of name searches (hospital and
//! registry); then the same list, apply and undo at national scale (50,000 physicians), with
//! where the whole table's time goes and how fast the grid's first rows come while whole tables
//! load.
//! Run: `cargo run --release -p le-server --bin bench-directory -- [postgres://…]`: on SQLite
//! without a URL; with one, each of the two portals gets a fresh database on that server.
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use le_domain::api::directory::PhysicianTable;
use le_server::clock::SystemClock;
use le_server::demo::DEMO_MAIN_IK;
use tower::ServiceExt;

const HOSPITAL_PHYSICIANS: usize = 5_000;
const REGISTRY_PEOPLE: usize = 200_000;
const NATIONAL_PHYSICIANS: usize = 50_000;

#[path = "support/bench.rs"]
mod bench;
use bench::{Failure, percentile, sign_in};

async fn call(app: &axum::Router, req: Request<Body>) -> Result<(u16, serde_json::Value), Failure> {
    let res = app.clone().oneshot(req).await?;
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await?.to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    ))
}

/// A fresh portal with the demo data and `physicians` physicians in the demo hospital, on
/// SQLite or, given a server's URL, on a fresh PostgreSQL database.
async fn seeded(
    dir: &std::path::Path,
    physicians: usize,
    registry: usize,
    postgres: Option<&str>,
) -> Result<le_server::AppState, Failure> {
    let config = bench::demo_config(dir, postgres).await?;
    let state = le_server::state_with_clock(config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    println!("database: {}", state.database.backend());
    let started = Instant::now();
    le_server::demo::seed_large(&state, physicians, registry)
        .await
        .map_err(|e| format!("{e:?}"))?;
    println!(
        "seeded {physicians} physicians and {registry} registry people in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(state)
}

/// Lists the hospital's physicians, applies one bulk change to all of them and undoes it,
/// printing the time of each.
async fn list_apply_undo(app: &axum::Router, cookie: &str, csrf: &str) -> Result<(), Failure> {
    let post = |uri: String, body: Option<String>| {
        Request::post(uri)
            .header(header::COOKIE, cookie)
            .header("x-requested-with", "le-portal")
            .header("x-csrf-token", csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map_or_else(Body::empty, Body::from))
    };
    // The answer until its last byte (what the server does), not the parsing here.
    for path in ["/api/v1/physicians", "/api/v1/physicians/table"] {
        let t = Instant::now();
        let res = app
            .clone()
            .oneshot(
                Request::get(path)
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())?,
            )
            .await?;
        let bytes = res.into_body().collect().await?.to_bytes();
        println!(
            "GET {path}: {:.0} ms, {:.1} MB (uncompressed)",
            t.elapsed().as_secs_f64() * 1000.0,
            bytes.len() as f64 / 1e6
        );
    }
    // The same answers compressed as a browser asks for them (tower-http's layer).
    for encoding in ["br", "gzip"] {
        let t = Instant::now();
        let res = app
            .clone()
            .oneshot(
                Request::get("/api/v1/physicians/table")
                    .header(header::COOKIE, cookie)
                    .header(header::ACCEPT_ENCODING, encoding)
                    .body(Body::empty())?,
            )
            .await?;
        let bytes = res.into_body().collect().await?.to_bytes();
        println!(
            "GET /api/v1/physicians/table ({encoding}): {:.0} ms, {:.2} MB",
            t.elapsed().as_secs_f64() * 1000.0,
            bytes.len() as f64 / 1e6
        );
    }
    let (_, list) = call(
        app,
        Request::get("/api/v1/physicians")
            .header(header::COOKIE, cookie)
            .body(Body::empty())?,
    )
    .await?;
    let physicians = list["physicians"].as_array().ok_or("no list")?;
    let items: Vec<serde_json::Value> = physicians
        .iter()
        .map(|p| serde_json::json!({"id": p["id"], "version": p["version"]}))
        .collect();
    let body = serde_json::json!({"items": items, "action": {"action": "end_site_assignment", "site_number": null, "end": "2030-01-31"}});
    let t = Instant::now();
    let (status, applied) = call(
        app,
        post(
            "/api/v1/physicians/bulk/apply".to_owned(),
            Some(body.to_string()),
        )?,
    )
    .await?;
    let apply_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "apply one bulk change to {} physicians (status {status}, {} changed): {apply_ms:.0} ms (target <= 1000 ms per 5,000)",
        items.len(),
        applied["changed"]
    );
    let t = Instant::now();
    let (status, undone) = call(
        app,
        post(
            format!(
                "/api/v1/physicians/bulk/{}/undo",
                applied["operation_id"].as_i64().unwrap_or(0)
            ),
            None,
        )?,
    )
    .await?;
    println!(
        "undo it (status {status}, {} restored): {:.0} ms",
        undone["restored"],
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Where the whole table's time goes: the query, then packing the stored texts (the server's
/// way), or, for comparison, parsing them into records and serialising those.
async fn table_split(state: &le_server::AppState) -> Result<(), Failure> {
    use le_server::directory::{store, table};
    let db = &state.database;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let all = store::physicians_json(db, DEMO_MAIN_IK)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let sql = ms(t);
    let t = Instant::now();
    let packed = table::packed_table(&all)?;
    let pack = ms(t);
    let t = Instant::now();
    let records = store::records_from_json(&all).map_err(|e| format!("{e:?}"))?;
    let parse = ms(t);
    let t = Instant::now();
    let serialised = serde_json::to_vec(&PhysicianTable::new(records))?;
    let serialise = ms(t);
    println!(
        "whole table split: query {sql:.0} ms ({:.1} MB stored JSON), pack {pack:.0} ms \
         ({:.1} MB); or parse into records {parse:.0} ms + serialise {serialise:.0} ms{}",
        all.len() as f64 / 1e6,
        packed.len() as f64 / 1e6,
        if serialised == packed {
            ""
        } else {
            " (DIFFERENT BYTES)"
        }
    );
    // What compressing it costs at each level (the compression layer uses brotli 4, gzip 6).
    let mut levels = Vec::new();
    for (encoding, level) in [
        (table::Encoding::Brotli, 0),
        (table::Encoding::Brotli, 1),
        (table::Encoding::Brotli, 2),
        (table::Encoding::Brotli, 4),
        (table::Encoding::Gzip, 1),
        (table::Encoding::Gzip, 6),
    ] {
        let t = Instant::now();
        let size = encoding.encode(packed.clone(), level)?.len();
        levels.push(format!(
            "{encoding:?} {level}: {:.0} ms, {:.2} MB",
            ms(t),
            size as f64 / 1e6
        ));
    }
    println!("whole table compressed: {}", levels.join("; "));
    let t = Instant::now();
    store::first_physicians(db, DEMO_MAIN_IK, 100)
        .await
        .map_err(|e| format!("{e:?}"))?;
    println!("first 100 rows and the count (store only): {:.1} ms", ms(t));
    Ok(())
}

/// How long `GET /physicians/table?limit=100` and `GET /sites` take while whole tables are in
/// flight (as many as the runtime has workers, asked for with brotli as a browser does; three
/// rounds): every request is a task of its own, as on a server. With `on_workers`, the whole
/// tables are instead read, parsed, serialised and compressed (brotli 4, as the compression layer
/// did) on the runtime's workers, as the handler did before that work moved to the blocking pool.
async fn first_rows_while_loading(
    app: &axum::Router,
    state: &le_server::AppState,
    cookie: &str,
    on_workers: bool,
) -> Result<(), Failure> {
    const ROUNDS: usize = 3;
    let workers = tokio::runtime::Handle::current().metrics().num_workers();
    let probe = |path: &'static str| {
        let req = Request::get(path)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT_ENCODING, "br")
            .body(Body::empty());
        let app = app.clone();
        async move {
            let req = req?;
            let t = Instant::now();
            tokio::spawn(async move {
                let res = app.oneshot(req).await?;
                res.into_body().collect().await?;
                Ok::<(), Failure>(())
            })
            .await??;
            Ok::<f64, Failure>(t.elapsed().as_secs_f64() * 1000.0)
        }
    };
    let paths = ["/api/v1/physicians/table?limit=100", "/api/v1/sites"];
    let mut alone: Vec<(&str, f64)> = Vec::new();
    for i in 0..20 {
        let path = paths[i % 2];
        alone.push((path, probe(path).await?));
    }
    let mut probes: Vec<(&str, f64)> = Vec::new();
    for _ in 0..ROUNDS {
        let mut whole = Vec::new();
        for _ in 0..workers {
            let (app, state, cookie) = (app.clone(), state.clone(), cookie.to_owned());
            whole.push(tokio::spawn(async move {
                use le_server::directory::{store, table};
                if on_workers {
                    let all = store::physicians_json(&state.database, DEMO_MAIN_IK)
                        .await
                        .map_err(|e| format!("{e:?}"))?;
                    let records = store::records_from_json(&all).map_err(|e| format!("{e:?}"))?;
                    let json = serde_json::to_vec(&PhysicianTable::new(records))?;
                    return Ok::<usize, Failure>(table::Encoding::Brotli.encode(json, 4)?.len());
                }
                let res = app
                    .oneshot(
                        Request::get("/api/v1/physicians/table")
                            .header(header::COOKIE, cookie)
                            .header(header::ACCEPT_ENCODING, "br")
                            .body(Body::empty())?,
                    )
                    .await?;
                Ok(res.into_body().collect().await?.to_bytes().len())
            }));
        }
        let mut i = 0usize;
        while whole.iter().any(|h| !h.is_finished()) {
            let path = paths[i % 2];
            i += 1;
            probes.push((path, probe(path).await?));
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        for h in whole {
            h.await??;
        }
    }
    let times = |of: &[(&str, f64)], path: &str| {
        let mut t: Vec<f64> = of
            .iter()
            .filter(|(p, _)| *p == path)
            .map(|(_, t)| *t)
            .collect();
        t.sort_by(f64::total_cmp);
        t
    };
    for path in paths {
        let during = times(&probes, path);
        println!(
            "GET {path} while {workers} whole tables load {}: p50 {:.1} ms, max {:.1} ms over {} requests (alone: p50 {:.1} ms)",
            if on_workers {
                "(work on the runtime's workers, as before)"
            } else {
                "(the server as it is)"
            },
            percentile(&during, 0.5),
            during.last().copied().unwrap_or(0.0),
            during.len(),
            percentile(&times(&alone, path), 0.5),
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let postgres = std::env::args().nth(1);
    let national = tempfile::tempdir()?;
    let dir = tempfile::tempdir()?;
    let state = seeded(
        dir.path(),
        HOSPITAL_PHYSICIANS,
        REGISTRY_PEOPLE,
        postgres.as_deref(),
    )
    .await?;
    let app = le_server::app(state.clone());
    let (cookie, csrf) = sign_in(&app, "klinik.personal").await?;
    table_split(&state).await?;
    let get = |uri: String| {
        Request::get(uri)
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
    };
    list_apply_undo(&app, &cookie, &csrf).await?;

    let prefixes = [
        "mü", "sch", "web", "kle", "zim", "hof", "ric", "neu", "wag", "bec", "ann", "fel",
    ];
    for (label, path) in [
        ("hospital name search", "/api/v1/physicians?q="),
        ("registry name search (office)", ""),
    ] {
        let mut times = Vec::new();
        for i in 0..600 {
            let q = prefixes[i % prefixes.len()];
            let t = Instant::now();
            if path.is_empty() {
                le_server::directory::registry::search(&state.database, q)
                    .await
                    .map_err(|e| format!("{e:?}"))?;
            } else {
                call(&app, get(format!("{path}{}", urlencode(q)))?).await?;
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{label}: p50 {:.1} ms, p95 {:.1} ms over {} queries (target p95 <= 50 ms)",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.len()
        );
    }
    println!("-- national scale: {NATIONAL_PHYSICIANS} physicians in one hospital --");
    let state = seeded(national.path(), NATIONAL_PHYSICIANS, 0, postgres.as_deref()).await?;
    let app = le_server::app(state.clone());
    let (cookie, csrf) = sign_in(&app, "klinik.personal").await?;
    table_split(&state).await?;
    for on_workers in [true, false] {
        first_rows_while_loading(&app, &state, &cookie, on_workers).await?;
    }
    list_apply_undo(&app, &cookie, &csrf).await?;
    Ok(())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
