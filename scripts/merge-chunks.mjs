// Part of the split (scripts/split-spa.sh, after wasm-bindgen, before wasm-opt): merges the small
// shared chunks of wasm-split-cli into one file per area and rewrites the chunk loader to match.
//
//   node scripts/merge-chunks.mjs <main module as split (with names)> <split output dir>
//
// wasm-split-cli gives every set of areas that shares code a chunk of its own (about 300 for this
// SPA): the directory's first visit fetched 115 files, and many small files compress worse than a
// few large ones. Here every area's file is its own chunk plus every shared chunk it needs, merged
// by crates/wasm_merge (see its documentation for why a chunk may safely be part of two areas'
// files). A piece (spa-areas.mjs, LOADED_FROM) takes only what its area does not have, and its
// loader loads the area's file first (already there when the piece is opened from the area).
// A shared chunk with writable data (none today) would be reset by a second copy: such a chunk
// stays a file of its own that the areas load as before.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AREAS, LOADED_FROM } from "./spa-areas.mjs";

const [mainModule, dir] = process.argv.slice(2);
if (!mainModule || !dir) {
  console.error("usage: node scripts/merge-chunks.mjs <main module> <split output dir>");
  process.exit(2);
}
const fail = (msg) => {
  console.error(`merge-chunks: ${msg}`);
  process.exit(1);
};
const merger = process.env.LE_WASM_MERGE;
if (!merger) fail("LE_WASM_MERGE (the path of the le-wasm-merge binary) is not set");

// The loader as wasm-split-cli writes it: a preamble (shared imports, makeLoad, wrapAsyncCb), then
//   const __chunk_N = makeLoad(() => { const src = fetch(new URL("./chunk_N.wasm", …)); … }, []);
//   export const __wasm_split_load_<area> = wrapAsyncCb(makeLoad(() => { … "./split_<area>.wasm" … }, [__chunk_…]));
const loader = readFileSync(join(dir, "__wasm_split.js"), "utf8");
const firstDefinition = loader.search(/^(const __chunk_\d+|export const __wasm_split_load_)/m);
if (firstDefinition < 0) fail("__wasm_split.js defines no chunk and no area");
const preamble = loader.slice(0, firstDefinition);
for (const name of ["function makeLoad(", "function wrapAsyncCb(", "function getSharedImports("]) {
  if (!preamble.includes(name)) fail(`the loader's preamble lacks ${name}…`);
}

const chunkFile = new Map();
const chunkDefinition = new Map();
for (const m of loader.matchAll(/^const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/(chunk_\d+\.wasm)"[\s\S]*?\n?, \[([^\]]*)\]\);$/gm)) {
  if (m[3].trim() !== "") fail(`${m[1]} depends on other chunks (${m[3]}); this merge does not expect that`);
  chunkFile.set(m[1], m[2]);
  chunkDefinition.set(m[2], { name: m[1], text: m[0] });
}
const areas = new Map();
for (const m of loader.matchAll(/^export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\((\(\) => \{\s*const src = fetch\(new URL\("\.\/(split_\w+\.wasm)"[\s\S]*?)\n?, \[([^\]]*)\]\)\);$/gm)) {
  const deps = m[4].split(",").map((d) => d.trim()).filter(Boolean).map((d) => {
    if (!chunkFile.has(d)) fail(`the loader of ${m[1]} needs ${d}, which it never defines`);
    return chunkFile.get(d);
  });
  areas.set(m[1], { fetcher: m[2], file: m[3], deps });
}
const definitions = (loader.match(/^(const __chunk_\d+|export const )/gm) ?? []).length;
if (definitions !== chunkFile.size + areas.size) {
  fail(`read ${chunkFile.size} chunks and ${areas.size} areas of ${definitions} definitions: the loader's format changed`);
}
for (const area of AREAS) if (!areas.has(area)) fail(`the loader has no area "${area}"`);
for (const area of areas.keys()) if (!AREAS.includes(area)) fail(`the loader has an area "${area}" that scripts/spa-areas.mjs does not list`);

// What each area's file takes: its own chunk and the shared chunks its area (for a piece) lacks.
for (const [name, area] of areas) {
  const parent = LOADED_FROM[name];
  const inherited = new Set(parent ? areas.get(parent).deps : []);
  area.shared = area.deps.filter((f) => !inherited.has(f));
}
const uses = new Map();
for (const area of areas.values()) for (const f of area.shared) uses.set(f, (uses.get(f) ?? 0) + 1);
const run = (command, args) => {
  try {
    return execFileSync(merger, [command, "--main", mainModule, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  } catch {
    return fail(`le-wasm-merge ${command} failed (its message is above)`);
  }
};
const writable = new Set(run("writable", [...[...chunkFile.values()].map((f) => join(dir, f))]).split("\n").filter(Boolean));
const standalone = new Set([...uses].filter(([f, n]) => n > 1 && writable.has(join(dir, f))).map(([f]) => f));

// Areas first (a piece's loader names its area's), then pieces.
const order = [...areas.keys()].sort((a, b) => Number(a in LOADED_FROM) - Number(b in LOADED_FROM) || a.localeCompare(b));
let out = preamble;
for (const f of [...standalone].sort()) out += `${chunkDefinition.get(f).text}\n`;
for (const name of order) {
  const area = areas.get(name);
  const parent = LOADED_FROM[name];
  const inputs = [area.file, ...area.shared.filter((f) => !standalone.has(f))];
  const args = inputs.flatMap((f) => (f === area.file || uses.get(f) === 1 ? ["--only-here", join(dir, f)] : [join(dir, f)]));
  const merged = join(dir, `${area.file}.merged`);
  run("merge", ["--out", merged, ...args]);
  writeFileSync(join(dir, area.file), readFileSync(merged));
  rmSync(merged);
  const deps = [...(parent ? [`__area_${parent}`] : []), ...area.shared.filter((f) => standalone.has(f)).map((f) => chunkDefinition.get(f).name)];
  out += `const __area_${name} = makeLoad(${area.fetcher}, [${deps.join(", ")}]);\n`;
  out += `export const __wasm_split_load_${name} = wrapAsyncCb(__area_${name});\n`;
}
for (const f of readdirSync(dir)) if (/^chunk_\d+\.wasm$/.test(f) && !standalone.has(f)) rmSync(join(dir, f));
writeFileSync(join(dir, "__wasm_split.js"), out);
console.log(`merge-chunks: ${chunkFile.size} shared chunks merged into ${areas.size} area files` +
  (standalone.size ? ` (${standalone.size} with writable data kept apart)` : ""));
