// Starts the release server on a free port (port 0) with a fresh data directory, and stops it
// after the run. The address is handed to the tests through LE_BASE_URL.
import { spawn, spawnSync } from "node:child_process";
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
  // The Medical Service's administrator, created as an operator would (command line).
  const mdAdmin = {
    username: "md.admin",
    password: "MD-Admin-Passwort-2026",
  };
  const created = spawnSync(
    binary,
    [
      "--data-dir", dataDir,
      "create-md-admin",
      "--username", mdAdmin.username,
      "--first-name", "Maria",
      "--last-name", "Dienst",
      "--email", "md.admin@md-nordrhein.example",
      "--password", mdAdmin.password,
    ],
    { encoding: "utf8" },
  );
  if (created.status !== 0) {
    throw new Error(`create-md-admin failed: ${created.stderr}`);
  }
  const letter = JSON.parse(created.stdout);
  process.env.LE_MD_ADMIN_USERNAME = mdAdmin.username;
  process.env.LE_MD_ADMIN_PASSWORD = mdAdmin.password;
  process.env.LE_MD_ADMIN_TOTP_SECRET = letter.totp_secret;
  const { server, baseURL } = await startServer(binary, ["--data-dir", dataDir, "--dist-dir", dist]);
  // A second server in demo mode (seeded institutions, demo accounts with their current codes)
  // for the journeys that need data of several institutions (physician directory, audits).
  const demoDir = mkdtempSync(join(tmpdir(), "le-portal-e2e-demo-"));
  const demo = await startServer(binary, ["--data-dir", demoDir, "--dist-dir", dist, "--demo"]);
  process.env.LE_DEMO_BASE_URL = demo.baseURL;
  process.env.LE_BASE_URL = baseURL;
  process.env.LE_DATA_DIR = dataDir;
  return async () => {
    await Promise.all([stop(server), stop(demo.server)]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(demoDir, { recursive: true, force: true });
  };
}

/** Starts the server on a free port and resolves with the address it prints. */
async function startServer(binary, args) {
  const server = spawn(binary, ["--listen", "127.0.0.1:0", ...args], {
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
  return { server, baseURL };
}

function stop(server) {
  server.kill("SIGTERM");
  return new Promise((done) => {
    if (server.exitCode !== null) return done();
    server.on("exit", done);
  });
}
