// The browser half of scripts/bench-care-seal.sh: serves the wasm module and a page from DIR,
// makes a MB-sized random payload in Chromium, loads it into wasm memory, then times one
// `seal_loaded` (read the PKCS#12 file, sign, envelope) and prints the seconds it took.
// Usage: node scripts/bench-care-seal.mjs DIR MB
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [dir, mb] = process.argv.slice(2);
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
const page = `<!DOCTYPE html><html lang="de"><head><title>bench</title></head><body><script type="module">
import init, { load, seal_loaded } from "./web/seal_bench.js";
window.bench = async (mb) => {
  await init();
  const p12 = new Uint8Array(await (await fetch("./sender.p12")).arrayBuffer());
  const pem = await (await fetch("./recipient.pem")).text();
  const payload = new Uint8Array(mb * 1024 * 1024);
  for (let i = 0; i < payload.length; i += 65536) crypto.getRandomValues(payload.subarray(i, i + 65536));
  load(payload);
  const t0 = performance.now();
  const size = seal_loaded(p12, "bench", pem, false, Date.now() / 1000);
  const t1 = performance.now();
  return { seconds: (t1 - t0) / 1000, size };
};
</script></body></html>`;
const server = createServer((req, res) => {
  const path = req.url === "/" ? null : join(dir, decodeURIComponent(req.url.split("?")[0]));
  try {
    const body = path ? readFileSync(path) : page;
    const ext = path ? path.slice(path.lastIndexOf(".")) : ".html";
    res.writeHead(200, { "content-type": types[ext] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => typeof window.bench === "function");
  const result = await tab.evaluate((mb) => window.bench(mb), Number(mb));
  console.error(`sealed file: ${result.size} bytes`);
  console.log(result.seconds.toFixed(3));
} finally {
  await browser.close();
  server.close();
}
