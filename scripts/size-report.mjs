// Prints the first-load transfer of the built SPA: every wasm, js and css file the app shell
// loads, raw, gzip (level 9) and brotli (quality 11), against the 250 KB brotli budget.
import { readdirSync, readFileSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const BUDGET_BROTLI = 250 * 1024;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);

const files = readdirSync(dist).filter((f) => [".wasm", ".js", ".css"].includes(extname(f))).sort();
let total = { raw: 0, gz: 0, br: 0 };
console.log(`${"file".padEnd(48)}${"raw".padStart(10)}${"gzip".padStart(10)}${"brotli".padStart(10)}`);
for (const f of files) {
  const raw = readFileSync(join(dist, f));
  const gz = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  total = { raw: total.raw + raw.length, gz: total.gz + gz, br: total.br + br };
  console.log(`${f.padEnd(48)}${kb(raw.length)}${kb(gz)}${kb(br)}`);
}
console.log(`${"total first load".padEnd(48)}${kb(total.raw)}${kb(total.gz)}${kb(total.br)}`);
const verdict = total.br <= BUDGET_BROTLI ? "within" : "OVER";
console.log(`budget: ${kb(BUDGET_BROTLI).trim()} brotli -> ${verdict} budget (${((100 * total.br) / BUDGET_BROTLI).toFixed(0)} %)`);
