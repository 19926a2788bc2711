//! Benchmark (not a test) of the file store: a 500 MB upload streamed in 1 MB chunks into the
//! local store and into S3-compatible object storage in the same run, then read back: MB/s and
//! the growth of this process's resident memory while each upload runs (sampled every 20 ms).
//! The object store is the endpoint given (`scripts/bench-storage.sh` starts `moto` on this
//! machine, which keeps objects in its own memory: its figures include moto's speed).
//! Run: `bash scripts/bench-storage.sh [MB]`.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::BodyExt as _;
use le_server::storage::{Storage, StorageConfig};

const MB: u64 = 1024 * 1024;

#[path = "support/bench.rs"]
mod bench;
use bench::Failure;

fn rss_bytes() -> u64 {
    bench::proc_status_kb("VmRSS:").unwrap_or(0)
}

/// `total` bytes in 1 MB chunks, each a fresh copy of one random-looking buffer (as a network
/// read gives fresh buffers; slices of one shared buffer would hide what the store keeps).
struct Synthetic {
    chunk: Bytes,
    left: u64,
}

impl le_server::files::Chunks for Synthetic {
    async fn next_chunk(&mut self) -> Option<Result<Bytes, ()>> {
        if self.left == 0 {
            return None;
        }
        let n = self.left.min(self.chunk.len() as u64);
        self.left -= n;
        Some(Ok(Bytes::copy_from_slice(&self.chunk[..n as usize])))
    }
}

struct Figures {
    upload_mb_s: f64,
    growth_mb: f64,
    download_mb_s: f64,
}

async fn run(storage: &Storage, total: u64) -> Result<Figures, Failure> {
    let mut buf = vec![0u8; MB as usize];
    let mut x: u32 = 99;
    for b in buf.iter_mut() {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        *b = (x >> 16) as u8;
    }
    let chunks = Synthetic {
        chunk: Bytes::from(buf),
        left: total,
    };
    let baseline = rss_bytes();
    let peak = Arc::new(AtomicU64::new(baseline));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, running) = (peak.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(rss_bytes(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let key = format!("bench/{}.bin", le_server::secrets::token());
    let started = Instant::now();
    let upload = storage
        .receive(&key, chunks, total + 1)
        .await
        .map_err(|e| format!("upload: {e:?}"))?;
    upload.keep().await?;
    let upload_s = started.elapsed().as_secs_f64();
    running.store(false, Ordering::Relaxed);
    sampler.await?;
    let growth = peak.load(Ordering::Relaxed).saturating_sub(baseline);

    let started = Instant::now();
    let mut body = storage.open(&key, None).await?.body;
    let mut read = 0u64;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            read += data.len() as u64;
        }
    }
    let download_s = started.elapsed().as_secs_f64();
    if read != total {
        return Err(format!("read back {read} of {total} bytes").into());
    }
    storage.delete(&key).await?;
    let mb = total as f64 / MB as f64;
    Ok(Figures {
        upload_mb_s: mb / upload_s,
        growth_mb: growth as f64 / MB as f64,
        download_mb_s: mb / download_s,
    })
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().ok_or("usage: bench-storage S3_ENDPOINT [MB]")?;
    let total = args.next().map_or(Ok(500), |m| m.parse::<u64>())? * MB;
    let dir = std::env::temp_dir().join(format!("le-bench-storage-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let local = Storage::Local { root: dir.clone() };
    let object = Storage::from_config(
        &StorageConfig {
            s3_endpoint: Some(endpoint),
            s3_bucket: Some("le-files".to_owned()),
            s3_region: "eu-central-1".to_owned(),
            s3_access_key_id: Some("bench".to_owned()),
            s3_secret_access_key: Some("bench".to_owned()),
            s3_allow_http: true,
        },
        dir.clone(),
    )?;
    println!(
        "file store, {} MB upload in 1 MB chunks, then read back",
        total / MB
    );
    let mut results = Vec::new();
    for (name, storage) in [
        ("local directory", &local),
        ("object storage (moto)", &object),
    ] {
        let f = run(storage, total).await?;
        println!(
            "  {name:<22} upload {:>7.1} MB/s   memory growth {:>6.1} MB   download {:>7.1} MB/s",
            f.upload_mb_s, f.growth_mb, f.download_mb_s
        );
        results.push(f);
    }
    if let [l, o] = results.as_slice() {
        println!(
            "  object / local: upload {:.2}, download {:.2}",
            o.upload_mb_s / l.upload_mb_s,
            o.download_mb_s / l.download_mb_s
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
