// Prints the transfer of the built, split SPA (raw, gzip level 9, brotli quality 11):
//  - the first load: index.html, the main module, its JS, the chunk loader and the CSS;
//  - per lazily loaded area, the extra bytes of its first visit (its file and whatever else the
//    loader __wasm_split-*.js loads first), coming from a page of the main module; a piece loaded
//    from inside an area (such as the physician form, or the care billing crypto) counts what
//    that area has not already fetched.
// Exits 1 when the first load is over the 250 KB brotli budget (areas over 170 KB are flagged).
//
//   node scripts/size-report.mjs [dist]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { LOADED_FROM } from "./spa-areas.mjs";

const dist = process.argv[2] ?? "dist";
const BUDGET_FIRST = 250 * 1024;
const AIM_FIRST = 200 * 1024;
const BUDGET_AREA = 170 * 1024;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const raw = readFileSync(join(dist, file));
    sizes.set(file, {
      raw: raw.length,
      gz: gzipSync(raw, { level: 9 }).length,
      br: brotliCompressSync(raw, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }).length,
    });
  }
  return sizes.get(file);
}
const sum = (files) =>
  files.reduce((t, f) => {
    const s = size(f);
    return { raw: t.raw + s.raw, gz: t.gz + s.gz, br: t.br + s.br };
  }, { raw: 0, gz: 0, br: 0 });
const row = (label, s) => console.log(`${label.padEnd(52)}${kb(s.raw)}${kb(s.gz)}${kb(s.br)}`);

// This release's files (the previous release's, kept by build.sh, are not listed there).
const release = new Set(readFileSync(join(dist, "spa-files.txt"), "utf8").split("\n").filter(Boolean));
const pick = (re) => {
  const found = [...release].filter((f) => re.test(f));
  if (found.length !== 1) {
    console.error(`size-report: expected one file like ${re} in ${dist}/spa-files.txt, found ${found.length}`);
    process.exit(1);
  }
  return found[0];
};
const mainJs = pick(/^le-portal-web-[0-9a-f]{16}\.js$/);
const mainWasm = pick(/^le-portal-web-[0-9a-f]{16}_bg\.wasm$/);
const loader = pick(/^__wasm_split-[0-9a-f]{16}\.js$/);
const css = readdirSync(dist).filter((f) => f.endsWith(".css"));
const first = ["index.html", mainJs, loader, mainWasm, ...css];

console.log(`${"first load".padEnd(52)}${"raw".padStart(10)}${"gzip".padStart(10)}${"brotli".padStart(10)}`);
for (const f of first) row(`  ${f}`, size(f));
const firstTotal = sum(first);
row("total first load", firstTotal);
const verdict = firstTotal.br <= BUDGET_FIRST ? "within" : "OVER";
console.log(
  `budget: 250 KB brotli -> ${verdict} budget (${((100 * firstTotal.br) / BUDGET_FIRST).toFixed(0)} %; ` +
    `aim 200 KB: ${firstTotal.br <= AIM_FIRST ? "met" : "not met"})`,
);

// The loader's graph (scripts/merge-chunks.mjs writes it):
//   const __area_<area> = makeLoad(<fetch "./split_<area>-….wasm">, [deps]);   (also __chunk_N)
//   export const __wasm_split_load_<area> = wrapAsyncCb(__area_<area>);
const js = readFileSync(join(dist, loader), "utf8");
const loads = new Map();
for (const m of js.matchAll(/^const (__\w+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?\n?\}?, \[([^\]]*)\]\);$/gm)) {
  loads.set(m[1], { file: m[2], deps: m[3].split(",").map((d) => d.trim()).filter(Boolean) });
}
const filesOf = (name, seen = new Set()) => {
  const load = loads.get(name);
  if (!load) {
    console.error(`size-report: the loader uses ${name}, which it never defines`);
    process.exit(1);
  }
  if (!seen.has(load.file)) {
    seen.add(load.file);
    for (const d of load.deps) filesOf(d, seen);
  }
  return [...seen];
};
const areas = [];
for (const m of js.matchAll(/^export const __wasm_split_load_(\w+) = wrapAsyncCb\((__\w+)\);$/gm)) {
  areas.push({ name: m[1], files: filesOf(m[2]) });
}
if (areas.length === 0) {
  console.error("size-report: no area loaders found in the chunk loader");
  process.exit(1);
}

console.log(`\n${"first visit of an area (extra)".padEnd(52)}${"raw".padStart(10)}${"gzip".padStart(10)}${"brotli".padStart(10)}  files`);
let areasOver = 0;
for (const { name, files: all } of areas.sort((a, b) => a.name.localeCompare(b.name))) {
  const parent = areas.find((a) => a.name === LOADED_FROM[name]);
  if (LOADED_FROM[name] && !parent) {
    console.error(`size-report: ${name} is loaded from ${LOADED_FROM[name]}, which the loader lacks`);
    process.exit(1);
  }
  const files = parent ? all.filter((f) => !parent.files.includes(f)) : all;
  const s = sum(files);
  const flag = s.br <= BUDGET_AREA ? "" : "  OVER 170 KB";
  if (flag) areasOver += 1;
  const label = parent ? `${name} (in ${parent.name}, extra)` : name;
  console.log(`${`  ${label}`.padEnd(52)}${kb(s.raw)}${kb(s.gz)}${kb(s.br)}  ${String(files.length).padStart(5)}${flag}`);
}
const allChunks = [...release].filter((f) => f.endsWith(".wasm") && f !== mainWasm);
row("all chunks together", sum(allChunks));
console.log(`areas over 170 KB brotli on first visit: ${areasOver}`);

if (firstTotal.br > BUDGET_FIRST) {
  console.error("size-report: the first load is over the 250 KB brotli budget");
  process.exit(1);
}
