// Benchmark helper (scripts/bench-directory.sh): writes a copy of the built SPA in which all the
// lazily loaded code is one file that the browser fetches and compiles at start-up, as a
// single-module build would, so the cost of loading an area on first use can be measured against
// not having it, in the same run, on the same code.
//
//   node scripts/single-variant.mjs <dist> <out dir>
//
// Every area's file is merged (crates/wasm_merge, LE_WASM_MERGE) into `split_all-<hash>.wasm`;
// the loader compiles it while the main module starts and instantiates it once, on the first
// area's request; index.html's integrity for the loader follows.
import { createHash } from "node:crypto";
import { cpSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const [dist, out] = process.argv.slice(2);
const merger = process.env.LE_WASM_MERGE;
if (!dist || !out || !merger) {
  console.error("usage: LE_WASM_MERGE=<le-wasm-merge> node scripts/single-variant.mjs <dist> <out dir>");
  process.exit(2);
}
const release = readFileSync(join(dist, "spa-files.txt"), "utf8").split("\n").filter(Boolean);
const loaderName = release.find((f) => /^__wasm_split-[0-9a-f]{16}\.js$/.test(f));
const chunks = release.filter((f) => /^(split_\w+|chunk_\d+)-[0-9a-f]{16}\.wasm$/.test(f));
if (!loaderName || chunks.length === 0) throw new Error(`${dist} holds no split SPA`);

rmSync(out, { recursive: true, force: true });
cpSync(dist, out, { recursive: true });
const all = join(out, "split_all.wasm");
execFileSync(merger, ["merge", "--out", all, ...chunks.flatMap((f) => ["--only-here", join(dist, f)])], { stdio: "inherit" });
const allBytes = readFileSync(all);
const allName = `split_all-${createHash("sha256").update(allBytes).digest("hex").slice(0, 16)}.wasm`;
writeFileSync(join(out, allName), allBytes);
rmSync(all);

const loader = readFileSync(join(dist, loaderName), "utf8");
const first = loader.search(/^(const __|export const __wasm_split_load_)/m);
const areas = [...loader.matchAll(/^export const (__wasm_split_load_\w+) = /gm)].map((m) => m[1]);
let variant = loader.slice(0, first);
variant += `const __all_module = WebAssembly.compileStreaming(fetch(new URL("./${allName}", import.meta.url)));\n`;
variant += "__all_module.catch(() => {});\n";
variant += "const __all = makeLoad(() => async (imports) => WebAssembly.instantiate(await __all_module, imports), []);\n";
for (const name of areas) variant += `export const ${name} = wrapAsyncCb(__all);\n`;
writeFileSync(join(out, loaderName), variant);

const sri = `sha384-${createHash("sha384").update(variant).digest("base64")}`;
const indexPath = join(out, "index.html");
const html = readFileSync(indexPath, "utf8").replace(
  new RegExp(`(href="/${loaderName.replace(/[.]/g, "\\.")}"[^>]*integrity=")[^"]*"`),
  `$1${sri}"`,
);
if (!html.includes(sri)) throw new Error("index.html does not preload the loader");
writeFileSync(indexPath, html);
for (const f of [loaderName, "index.html"]) {
  for (const ext of [".br", ".gz"]) if (existsSync(join(out, f + ext))) rmSync(join(out, f + ext));
}
console.log(`single-variant: ${chunks.length} files merged into ${allName} (${(allBytes.length / 1024).toFixed(0)} KB raw) in ${out}`);
