//! The build's command line for the library (scripts/merge-chunks.mjs calls it):
//!
//! - `le-wasm-merge merge --main MAIN.wasm --out OUT.wasm [--only-here CHUNK.wasm]... CHUNK.wasm...`
//!   merges the chunks into OUT; `--only-here` marks a chunk that goes into OUT alone (it may carry
//!   writable data);
//! - `le-wasm-merge writable --main MAIN.wasm CHUNK.wasm...` prints the chunks that carry writable
//!   data, one per line (the build keeps those as files of their own).
//!
//! MAIN is the split's main module with its name section, read for where its writable data starts;
//! `merge` needs it only when some chunk is not `--only-here`.
use std::process::ExitCode;

const USAGE: &str = "usage: le-wasm-merge merge --main MAIN.wasm --out OUT.wasm [--only-here CHUNK.wasm]... CHUNK.wasm...\n       le-wasm-merge writable --main MAIN.wasm CHUNK.wasm...";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("le-wasm-merge: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    command: String,
    main: Option<String>,
    out: Option<String>,
    /// Inputs with whether they go into this output only.
    inputs: Vec<(String, bool)>,
}

fn parse(args: Vec<String>) -> Result<Args, String> {
    let mut args = args.into_iter();
    let command = args.next().ok_or(USAGE)?;
    let (mut main, mut out, mut inputs) = (None, None, Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--main" => main = args.next(),
            "--out" => out = args.next(),
            "--only-here" => inputs.push((args.next().ok_or(USAGE)?, true)),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}\n{USAGE}")),
            _ => inputs.push((arg, false)),
        }
    }
    if inputs.is_empty() {
        return Err(USAGE.into());
    }
    Ok(Args {
        command,
        main,
        out,
        inputs,
    })
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn run(args: Vec<String>) -> Result<(), String> {
    let args = parse(args)?;
    let all_only_here = args.command == "merge" && args.inputs.iter().all(|(_, only)| *only);
    let writable_from = match &args.main {
        Some(main) => le_wasm_merge::writable_from(&read(main)?).map_err(|e| e.to_string())?,
        // Nothing is checked against it when every chunk goes into this module alone.
        None if all_only_here => u32::MAX,
        None => return Err(format!("--main is needed\n{USAGE}")),
    };
    let bytes = args
        .inputs
        .iter()
        .map(|(p, _)| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    match (args.command.as_str(), &args.out) {
        ("merge", Some(out)) => {
            let chunks: Vec<_> = args
                .inputs
                .iter()
                .zip(&bytes)
                .map(|((name, only_here), bytes)| le_wasm_merge::Chunk {
                    name,
                    bytes,
                    only_here: *only_here,
                })
                .collect();
            let merged = le_wasm_merge::merge(&chunks, writable_from).map_err(|e| e.to_string())?;
            std::fs::write(out, merged).map_err(|e| format!("{out}: {e}"))
        }
        ("writable", None) => {
            for ((name, _), bytes) in args.inputs.iter().zip(&bytes) {
                if le_wasm_merge::has_writable_data(bytes, writable_from)
                    .map_err(|e| format!("{name}: {e}"))?
                {
                    println!("{name}");
                }
            }
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}
