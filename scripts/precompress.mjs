// Writes .br (quality 11) and .gz (level 9) next to every compressible file of the built SPA, so
// the server sends pre-compressed bytes instead of compressing on every request.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const COMPRESSIBLE = new Set([".wasm", ".js", ".css", ".html", ".svg", ".json", ".txt"]);

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (COMPRESSIBLE.has(extname(name))) {
      const raw = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(raw, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        },
      }));
      writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
    }
  }
}

walk(process.argv[2] ?? "dist");
