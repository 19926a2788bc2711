// Second half of the split (scripts/split-spa.sh): moves the split SPA into Trunk's staging
// directory with content-hashed names, rewrites every reference, and fails loudly when a chunk
// the loader names is missing or the main module still imports the split placeholder.
//
//   node scripts/split-spa.mjs <split output dir> <staging dir>
//
// Names: chunks `split_<area>-<hash>.wasm` (one per area, scripts/merge-chunks.mjs) and any shared
// chunk kept apart `chunk_<n>-<hash>.wasm` (hash of their own bytes);
// the main module, its JS and the chunk loader import each other, so they share one hash over
// all three (after the chunk names are in): `le-portal-web-<hash>.js`, `…_bg.wasm`,
// `__wasm_split-<hash>.js`. The server serves `<name>-<16 hex>` files as immutable.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { AREAS } from "./spa-areas.mjs";

const [src, stage] = process.argv.slice(2);
if (!src || !stage) {
  console.error("usage: node scripts/split-spa.mjs <split output dir> <staging dir>");
  process.exit(2);
}
const NAME = "le-portal-web";

const fail = (msg) => {
  console.error(`split-spa: ${msg}`);
  process.exit(1);
};
const hash16 = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex").slice(0, 16);
};
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// 1. Chunks: hashed by their own bytes.
const chunkNames = new Map();
for (const f of readdirSync(src)) {
  if (!f.endsWith(".wasm") || f === `${NAME}_bg.wasm`) continue;
  const bytes = readFileSync(join(src, f));
  chunkNames.set(f, `${f.slice(0, -".wasm".length)}-${hash16(bytes)}.wasm`);
}
for (const area of AREAS) {
  if (!chunkNames.has(`split_${area}.wasm`)) fail(`no chunk for the area "${area}" (split_${area}.wasm)`);
}

// 2. The chunk loader: every chunk it fetches must exist; point it at the hashed names.
let loader = readFileSync(join(src, "__wasm_split.js"), "utf8");
const wanted = [...loader.matchAll(/"\.\/([A-Za-z0-9_]+\.wasm)"/g)].map((m) => m[1]);
if (wanted.length === 0) fail("__wasm_split.js names no chunk");
for (const f of new Set(wanted)) {
  if (!chunkNames.has(f)) fail(`__wasm_split.js loads ${f}, which the split did not produce`);
}
for (const area of AREAS) {
  if (!loader.includes(`__wasm_split_load_${area}`)) fail(`__wasm_split.js has no loader for "${area}"`);
}
loader = loader.replace(/"\.\/([A-Za-z0-9_]+\.wasm)"/g, (_, f) => `"./${chunkNames.get(f)}"`);
// wasm-split-cli writes, above a shared chunk, a comment naming the areas that need it (the
// loader is part of the first load).
loader = loader.replace(/^\/\* [a-z0-9_, ]+ \*\/\n/gm, "");

// 3. Main module and its JS.
const mainWasm = readFileSync(join(src, `${NAME}_bg.wasm`));
if (mainWasm.includes("__wasm_split_placeholder__")) fail("the main module still imports __wasm_split_placeholder__");
let mainJs = readFileSync(join(src, `${NAME}.js`), "utf8");
// The JS module is imported under its hashed name; the key of the wasm's import object stays
// "./__wasm_split.js" (the module name inside the wasm).
if (!mainJs.includes(`from "./__wasm_split.js"`)) fail(`${NAME}.js does not import ./__wasm_split.js`);
if (!loader.includes(`from "./${NAME}.js"`)) fail(`__wasm_split.js does not import ./${NAME}.js`);

const h = hash16(mainWasm, mainJs, loader);
const mainJsName = `${NAME}-${h}.js`;
const mainWasmName = `${NAME}-${h}_bg.wasm`;
const loaderName = `__wasm_split-${h}.js`;
mainJs = mainJs
  .replaceAll(`from "./__wasm_split.js"`, `from "./${loaderName}"`)
  .replaceAll(`'${NAME}_bg.wasm'`, `'${mainWasmName}'`);
loader = loader.replaceAll(`from "./${NAME}.js"`, `from "./${mainJsName}"`);

// 4. Replace Trunk's unsplit module in the staging directory.
const trunkOutput = new RegExp(`^${escape(NAME)}-[0-9a-f]+(_bg\\.wasm|\\.js)$`);
let oldStem;
for (const f of readdirSync(stage)) {
  const m = f.match(trunkOutput);
  if (m) {
    oldStem = f.slice(0, f.length - m[1].length);
    rmSync(join(stage, f));
  }
}
if (!oldStem) fail(`Trunk's ${NAME}-<hash>.js is not in ${stage}: ${readdirSync(stage).join(", ")}`);

writeFileSync(join(stage, mainJsName), mainJs);
writeFileSync(join(stage, mainWasmName), mainWasm);
writeFileSync(join(stage, loaderName), loader);
for (const [from, to] of chunkNames) writeFileSync(join(stage, to), readFileSync(join(src, from)));

// 5. index.html: Trunk's preload links and loader script name the new files; SRI hashes follow.
const indexPath = join(stage, "index.html");
let html = readFileSync(indexPath, "utf8");
const integrity = {
  [mainJsName]: sri(Buffer.from(mainJs)),
  [mainWasmName]: sri(mainWasm),
};
html = html.replaceAll(`${oldStem}_bg.wasm`, mainWasmName).replaceAll(`${oldStem}.js`, mainJsName);
html = html.replace(/<link\b[^>]*>/g, (tag) => {
  for (const [file, value] of Object.entries(integrity)) {
    // Trunk's minified HTML leaves attribute values unquoted.
    if (tag.includes(`/${file}`)) return tag.replace(/integrity=("[^"]*"|[^\s>]+)/, `integrity="${value}"`);
  }
  return tag;
});
if (html.includes(oldStem)) fail("index.html still names Trunk's unsplit module");
// The loader module is needed as soon as the main JS runs: fetch it alongside.
const preloadLoader = `<link rel="modulepreload" href="/${loaderName}" crossorigin="anonymous" integrity="${sri(Buffer.from(loader))}">`;
html = html.replace("</head>", `${preloadLoader}</head>`);
writeFileSync(indexPath, html);

// 6. The list of this release's hashed files (scripts/build.sh keeps the previous release's).
const files = [mainJsName, mainWasmName, loaderName, ...chunkNames.values()].sort();
writeFileSync(join(stage, "spa-files.txt"), `${files.join("\n")}\n`);
if (!files.every((f) => existsSync(join(stage, f)))) fail("a file went missing while writing");
console.log(`split-spa: main module ${mainWasmName}, ${chunkNames.size} chunks (${AREAS.length} areas)`);
