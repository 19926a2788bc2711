// Starts the release server on a free port (port 0) with a fresh data directory, and stops it
// after the run. The address is handed to the tests through LE_BASE_URL.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
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
  // Care billing: the local SMTP sink the demo server mails deliveries to (never a real
  // address), and a test PKI made with openssl (the recipient's certificate, the care
  // service's PKCS#12 file), see e2e/care-billing.spec.mjs.
  const mailDir = join(demoDir, "mail");
  const sink = await startSmtpSink(mailDir);
  const pkiDir = join(demoDir, "pki");
  makeCarePki(pkiDir);
  process.env.LE_CARE_MAIL_DIR = mailDir;
  process.env.LE_CARE_PKI_DIR = pkiDir;
  const demo = await startServer(binary, [
    "--data-dir", demoDir, "--dist-dir", dist, "--demo",
    "--smtp-url", `smtp://127.0.0.1:${sink.port}`,
    "--smtp-from", "le-portal@portal.invalid",
    "--care-mail-to", "datenannahme@demo.invalid",
  ]);
  process.env.LE_DEMO_BASE_URL = demo.baseURL;
  // A third server as a demo kiosk (5,000 physicians, snapshot and reset) with a short idle
  // time, for e2e/kiosk.spec.mjs.
  const kioskDir = mkdtempSync(join(tmpdir(), "le-portal-e2e-kiosk-"));
  const kiosk = await startServer(binary, [
    "--data-dir", kioskDir, "--dist-dir", dist, "--kiosk",
    "--kiosk-idle-seconds", "5", "--kiosk-pin", "2468",
  ], 120_000);
  process.env.LE_KIOSK_BASE_URL = kiosk.baseURL;
  process.env.LE_BASE_URL = baseURL;
  process.env.LE_DATA_DIR = dataDir;
  return async () => {
    await Promise.all([stop(server), stop(demo.server), stop(kiosk.server), stop(sink.process)]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-signin-locks`, { recursive: true, force: true });
    rmSync(demoDir, { recursive: true, force: true });
    rmSync(kioskDir, { recursive: true, force: true });
  };
}

/** Starts scripts/smtp_sink.py (aiosmtpd) on a free port; resolves with the process and port. */
async function startSmtpSink(dir) {
  const proc = spawn("python3", [join(root, "scripts", "smtp_sink.py"), dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("SMTP sink did not start within 15 s")), 15_000);
    let seen = "";
    proc.stdout.on("data", (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (match) {
        clearTimeout(timer);
        ok(Number(match[1]));
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`SMTP sink exited early with ${code} (python3 with aiosmtpd: scripts/setup.sh)`));
    });
  });
  return { process: proc, port };
}

/** A test CA, the data acceptance point's certificate (OU=IK109905003) and the care service's
 * certificate with its PKCS#12 file (password "Pflege-Test-2026"), made with openssl. */
function makeCarePki(dir) {
  mkdirSync(dir, { recursive: true });
  const run = (...args) => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
  };
  writeFileSync(join(dir, "leaf.cnf"), "keyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n");
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "36600", "-subj", "/O=Test TrustCenter/CN=Test CA");
  for (const [name, subject] of [
    ["recipient", "/O=Test TrustCenter/OU=IK109905003/CN=Datenannahmestelle KNAPPSCHAFT (Test)"],
    ["sender", "/O=Test TrustCenter/OU=IK460512349/CN=Pflegedienst Sonnenschein (Test)"],
  ]) {
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
    run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "36600", "-extfile", "leaf.cnf");
  }
  run("pkcs12", "-export", "-in", "sender.pem", "-inkey", "sender.key", "-certfile", "ca.pem", "-out", "sender.p12", "-passout", "pass:Pflege-Test-2026");
}

/** Starts the server on a free port and resolves with the address it prints. */
async function startServer(binary, args, startTimeout = 30_000) {
  const server = spawn(binary, ["--listen", "127.0.0.1:0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LE_LOG: process.env.LE_LOG ?? "warn" },
  });
  const baseURL = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start within ${startTimeout / 1000} s`)), startTimeout);
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
