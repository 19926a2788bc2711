// Starts the release server on a free port (port 0) with a fresh data directory, and stops it
// after the run. The address is handed to the tests through LE_BASE_URL.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export default async function globalSetup() {
  const binary = join(root, "target", "release", "le-server");
  const dist = join(root, "dist");
  if (!existsSync(binary) || !existsSync(join(dist, "index.html"))) {
    throw new Error("Release build missing: run scripts/build.sh first.");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "le-portal-e2e-"));
  const server = spawn(binary, ["--listen", "127.0.0.1:0", "--data-dir", dataDir, "--dist-dir", dist], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LE_LOG: process.env.LE_LOG ?? "warn" },
  });
  const baseURL = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("server did not start within 30 s")), 30_000);
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    server.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited early with ${code}`));
    });
  });
  process.env.LE_BASE_URL = baseURL;
  process.env.LE_DATA_DIR = dataDir;
  return async () => {
    server.kill("SIGTERM");
    await new Promise((done) => {
      if (server.exitCode !== null) return done();
      server.on("exit", done);
    });
    rmSync(dataDir, { recursive: true, force: true });
  };
}
