// Journeys of the audit exchange (MD portal): the MD creates a case with its notice and a document
// request; the hospital sees the deadline in its inbox, uploads three PDFs with progress bars,
// submits and acknowledges the receipt; the MD downloads a file and its SHA-256 matches. Plus a
// structure-audit application through to the certificate. axe-core on every page.
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";
import { freshTotp } from "./totp.mjs";

const AGREEMENT_PDF = fileURLToPath(new URL("../public/dokumente/nutzungsvereinbarung.pdf", import.meta.url));

// ---- helpers (copied from access.spec.mjs) -------------------------------------------------------

const freshCode = (secret) => freshTotp(secret.replace(/\s/g, "").toUpperCase());

function watch(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

async function fillSignIn(page, { username, password, code = "" }) {
  await page.getByLabel("Benutzername").fill(username);
  await page.getByLabel("Passwort", { exact: true }).fill(password);
  await page.getByLabel("Code aus der Authenticator-App oder Wiederherstellungscode").fill(code);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
}

async function signIn(page, credentials) {
  await openApp(page, "/anmelden");
  await fillSignIn(page, credentials);
}

async function setPassword(page, password) {
  await expect(page).toHaveURL(/\/anmelden\/passwort$/);
  await page.getByLabel("Neues Passwort", { exact: true }).fill(password);
  await page.getByLabel("Neues Passwort wiederholen").fill(password);
  await page.getByRole("button", { name: "Passwort speichern" }).click();
}

async function acknowledgeRecoveryCodes(page) {
  await expect(page).toHaveURL(/\/anmelden\/wiederherstellungscodes$/);
  await page.getByLabel("Ich habe die Codes sicher aufbewahrt").check();
  await page.getByRole("button", { name: "Weiter" }).click();
}

// ---- numbers ---------------------------------------------------------------------------------------

/** An IK with its check digit: digits 3–8 weighted 2,1,2,1,… (digit sums), sum mod 10. */
function ik(eight) {
  let sum = 0;
  [...eight.slice(2, 8)].forEach((d, i) => {
    const p = Number(d) * (i % 2 === 0 ? 2 : 1);
    sum += p > 9 ? p - 9 : p;
  });
  return `${eight}${sum % 10}`;
}

const sha256 = (buffer) => createHash("sha256").update(buffer).digest("hex");

/** "TT.MM.JJJJ" of today plus `days` (UTC, the server's clock). */
function germanDate(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

function isoDate(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

// ---- set-up: MD admin, a registered and approved hospital ------------------------------------------

const md = () => ({
  username: process.env.LE_MD_ADMIN_USERNAME,
  password: process.env.LE_MD_ADMIN_PASSWORD,
  secret: process.env.LE_MD_ADMIN_TOTP_SECRET,
});

async function csrf(page) {
  const session = await (await page.request.get("/api/v1/auth/session")).json();
  return session.csrf_token;
}

/**
 * Registers a hospital (API, as the form would), approves it as the signed-in MD admin on `mdPage`
 * and signs its admin in for the first time on `page`. Returns the hospital's IK.
 */
async function hospitalAdmin(mdPage, page, { ikEight, name, username }) {
  const hospitalIk = ik(ikEight);
  const form = {
    kind: "hospital",
    ik: hospitalIk,
    name,
    street: "Hauptstraße 1",
    postal_code: "30159",
    city: "Hannover",
    main_ik: hospitalIk,
    admin_first_name: "Karla",
    admin_last_name: "Klinik",
    admin_email: `${username}@klinikum.example`,
    admin_username: username,
  };
  const { readFileSync } = await import("node:fs");
  const registered = await page.request.post("/api/v1/registrations", {
    headers: { "X-Requested-With": "le-portal" },
    multipart: {
      form: JSON.stringify(form),
      agreement: { name: "vereinbarung.pdf", mimeType: "application/pdf", buffer: readFileSync(AGREEMENT_PDF) },
    },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const pending = await (await mdPage.request.get("/api/v1/admin/registrations?state=pending")).json();
  const registration = pending.find((r) => r.ik === hospitalIk);
  expect(registration).toBeTruthy();
  const approved = await mdPage.request.post(`/api/v1/admin/registrations/${registration.id}/approve`, {
    headers: { "X-Requested-With": "le-portal", "X-CSRF-Token": await csrf(mdPage) },
  });
  expect(approved.status()).toBe(200);
  const letter = await approved.json();
  await signIn(page, { username: letter.username, password: letter.one_time_password, code: await freshCode(letter.totp_secret) });
  await setPassword(page, "Ein langes Passwort für die Klinik");
  await acknowledgeRecoveryCodes(page);
  await expect(page).toHaveURL(/\/verwaltung\/benutzer$/);
  return hospitalIk;
}

async function signInMd(page) {
  const m = md();
  expect(m.username, "global setup exposes the MD admin").toBeTruthy();
  await signIn(page, { ...m, code: await freshCode(m.secret) });
  await expect(page).toHaveURL(/\/verwaltung\/registrierungen$/);
}

// ---- tests -----------------------------------------------------------------------------------------

test("from the MD's request to the hospital's delivery, receipt and a checked download", async ({ page, browser }) => {
  test.setTimeout(240_000);
  // The MD works in the fixture's page, the hospital in a context of its own.
  await signInMd(page);
  const hospitalContext = await browser.newContext({ baseURL: process.env.LE_BASE_URL, locale: "de-DE" });
  const hospital = await hospitalContext.newPage();
  const problems = watch(hospital);
  const hospitalIk = await hospitalAdmin(page, hospital, { ikEight: "26091234", name: "Klinikum Prüfstadt", username: "k.klinik" });

  // 1. The MD creates a case with its notice, checked live in the browser.
  await openApp(page, "/pruefverfahren/faelle");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Prüffälle");
  await page.getByRole("button", { name: "Neuer Fall" }).click();
  await page.getByRole("button", { name: "Fall anlegen" }).click();
  await expect(page.getByLabel("IK des Krankenhauses")).toBeFocused();
  await expect(page.locator("#hospital_ik-fehler")).not.toBeEmpty();
  await expectNoAxeViolations(page);
  await page.getByLabel("IK des Krankenhauses").fill(hospitalIk);
  await expect(page.locator("#hospital_ik-fehler")).toBeEmpty();
  await page.getByLabel("Aufnahmenummer").fill("A-2026-0815");
  await page.getByLabel("Rechnungsnummer").fill("R-4711");
  await page.getByLabel("Aufnahmetag").fill(isoDate(-30));
  await page.getByLabel("Entlassungstag").fill(isoDate(-40));
  await expect(page.locator("#discharge_date-fehler")).toContainText("Aufnahmetag");
  await page.getByLabel("Entlassungstag").fill(isoDate(-20));
  await expect(page.locator("#discharge_date-fehler")).toBeEmpty();
  await page.getByLabel("IK der Krankenkasse").fill(ik("10123456"));
  await page.getByLabel("Prüfgegenstand (Fragestellung)").fill("Primäre Fehlbelegung: War die stationäre Aufnahme erforderlich?");
  await page.getByRole("button", { name: "Fall anlegen" }).click();
  await expect(page).toHaveURL(/\/pruefverfahren\/fall\/\d+$/);
  await expect(page.getByText("Prüfanzeige vom")).toBeVisible();

  // 2. … and asks for documents (8 weeks from today).
  await page.getByLabel("Entlassungsbericht / Arztbrief").check();
  await page.getByLabel("Fieberkurve").check();
  await page.getByLabel("Pflegedokumentation").check();
  await expect(page.getByLabel("Frist in Wochen")).toHaveValue("8");
  await page.getByRole("button", { name: "Anforderung senden" }).click();
  const mdRequest = page.getByTestId("request");
  await expect(mdRequest).toHaveCount(1);
  const casePath = new URL(page.url()).pathname;
  // The deadline as the server computes it (8 weeks, moved off weekends and holidays by § 193
  // BGB, so the day of the week the journey runs on does not matter).
  const created = (await (await page.request.get(`/api/v1/audits/cases/${casePath.split("/").pop()}`)).json()).requests[0];
  const dueText = `Frist ${created.deadline.due.split("-").reverse().join(".")}`;
  expect(created.deadline.days_left).toBeGreaterThanOrEqual(56);
  await expect(mdRequest).toContainText(dueText);
  await expect(mdRequest).toContainText(created.deadline.days_left_text);
  await expectNoAxeViolations(page);

  // 3. The hospital sees the deadline in its inbox.
  await openApp(hospital, "/pruefverfahren");
  await expect(hospital.getByRole("heading", { level: 1 })).toHaveText("Anforderungen des Medizinischen Dienstes");
  const item = hospital.getByTestId("inbox-item");
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(`${dueText} · ${created.deadline.days_left_text}`);
  await expect(item.getByTestId("outstanding")).toHaveText("3 Unterlagen ausstehend");
  await expect(item).toContainText("offen");
  await expect(item).toContainText("Fieberkurve");
  await expect(hospital.getByTestId("dashboard")).toContainText("offen");
  await hospital.getByLabel("Status").selectOption("overdue");
  await expect(hospital).toHaveURL(/status=overdue/);
  await expect(hospital.getByTestId("inbox-empty")).toBeVisible();
  await hospital.getByLabel("Status").selectOption("pending");
  await expect(item).toHaveCount(1);
  await expectNoAxeViolations(hospital);

  // 4. It uploads the PDFs, each for its requested document (one refused in the browser: not
  // a PDF); every document is outstanding until then.
  await item.getByRole("link", { name: /Aufnahme A-2026-0815/ }).click();
  await expect(hospital).toHaveURL(/\/pruefverfahren\/anforderung\/\d+$/);
  await expect(hospital.getByTestId("requested-documents")).toContainText("Pflegedokumentation");
  await expect(hospital.getByTestId("document-state").filter({ hasText: "Fieberkurve" })).toHaveAttribute("data-state", "outstanding");
  const files = [
    { name: "arztbrief.pdf", mimeType: "application/pdf", buffer: pdf("Arztbrief") },
    { name: "fieberkurve.pdf", mimeType: "application/pdf", buffer: pdf("Fieberkurve ".repeat(2000)) },
    { name: "pflege.pdf", mimeType: "application/pdf", buffer: pdf("Pflegedokumentation") },
  ];
  const transfers = hospital.getByTestId("transfer");
  const forDocument = hospital.getByLabel("Die Dateien gehören zu");
  await forDocument.selectOption("discharge_letter");
  await hospital.getByLabel("PDF-Dateien auswählen").setInputFiles([
    files[0],
    { name: "notiz.pdf", mimeType: "application/pdf", buffer: Buffer.from("keine PDF-Datei") },
  ]);
  await expect(transfers.filter({ hasText: "arztbrief.pdf" })).toContainText("hochgeladen");
  await forDocument.selectOption("fever_chart");
  await hospital.getByLabel("PDF-Dateien auswählen").setInputFiles([files[1]]);
  await expect(transfers.filter({ hasText: "fieberkurve.pdf" })).toContainText("hochgeladen");
  await forDocument.selectOption("nursing_documentation");
  await hospital.getByLabel("PDF-Dateien auswählen").setInputFiles([files[2]]);
  await expect(transfers).toHaveCount(4);
  await expect(transfers.filter({ hasText: "notiz.pdf" })).toContainText("ist keine PDF-Datei");
  await expect(transfers.filter({ hasText: "hochgeladen" })).toHaveCount(3);
  for (const f of files) {
    await expect(transfers.filter({ hasText: f.name }).locator("progress")).toHaveJSProperty("value", 100);
  }
  const rows = hospital.getByTestId("file-row");
  await expect(rows).toHaveCount(3);
  for (const f of files) {
    await expect(rows.filter({ hasText: f.name }).getByTestId("sha256")).toHaveText(sha256(f.buffer));
  }
  await expectNoAxeViolations(hospital);

  // 5. … submits, acknowledges and prints the receipt.
  await hospital.getByRole("button", { name: "Lieferung absenden" }).click();
  await expect(hospital).toHaveURL(/\/pruefverfahren\/quittung\/\d+$/);
  const receipt = hospital.getByTestId("receipt");
  await expect(receipt.getByTestId("receipt-number")).toHaveText(/^Q-\d+-\d+$/);
  await expect(receipt.getByTestId("file-row")).toHaveCount(3);
  await expect(receipt).toContainText("A-2026-0815");
  await expect(receipt.getByTestId("acknowledged")).toHaveText("noch nicht bestätigt");
  await expect(receipt.getByTestId("lateness")).toHaveText("fristgerecht");
  await expect(receipt.getByTestId("document-state")).toHaveCount(3);
  for (const state of await receipt.getByTestId("document-state").all()) {
    await expect(state).toHaveAttribute("data-state", "delivered");
  }
  await hospital.getByRole("button", { name: "Empfang der Quittung bestätigen" }).click();
  await expect(receipt.getByTestId("acknowledged")).not.toHaveText("noch nicht bestätigt");
  await expect(hospital.getByRole("button", { name: "Drucken" })).toBeVisible();
  await expectNoAxeViolations(hospital);
  const receiptId = hospital.url().match(/quittung\/(\d+)$/)[1];
  const receiptJson = await hospital.request.get(`/api/v1/audits/deliveries/${receiptId}/receipt`);
  expect(receiptJson.status()).toBe(200);
  expect((await receiptJson.json()).files.map((f) => f.sha256).sort()).toEqual(files.map((f) => sha256(f.buffer)).sort());

  // 6. The MD downloads one file; its SHA-256 is the one the hospital's browser sent.
  await openApp(page, casePath);
  const delivery = page.getByTestId("delivery");
  await expect(delivery.getByTestId("file-row")).toHaveCount(3);
  const link = delivery.getByRole("link", { name: "fieberkurve.pdf" });
  const download = await page.request.get(await link.getAttribute("href"));
  expect(download.status()).toBe(200);
  const body = await download.body();
  expect(sha256(body)).toBe(sha256(files[1].buffer));
  await expect(delivery.getByTestId("file-row").filter({ hasText: "fieberkurve.pdf" }).getByTestId("sha256")).toHaveText(sha256(body));
  await expect(page.getByTestId("request").getByTestId("deadline")).toContainText("geliefert");
  await expect(page.getByTestId("request").getByTestId("completeness")).toContainText("Vollständig");
  await expectNoAxeViolations(page);

  // 7. The MD announces an inspection with this case; the hospital sees it.
  await openApp(page, "/pruefverfahren/begehungen");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Begehungen");
  await page.getByLabel("IK des Krankenhauses").fill(hospitalIk);
  await page.getByLabel("Datum der Begehung").fill(isoDate(14));
  await page.getByLabel(/Aufnahme A-2026-0815/).check();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Begehung ankündigen" }).click();
  await expect(page.getByTestId("inspection")).toContainText("A-2026-0815");
  await openApp(hospital, "/pruefverfahren/begehungen");
  await expect(hospital.getByTestId("inspection")).toContainText(`Begehung am ${germanDate(14)}`);
  await expect(hospital.getByTestId("inspection")).toContainText("Rechnung R-4711");
  await expectNoAxeViolations(hospital);

  expect(problems, "the hospital's page logged errors").toEqual([]);
  await hospitalContext.close();
});

test("a structure audit from the application to the certificate", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signInMd(page);
  const hospitalContext = await browser.newContext({ baseURL: process.env.LE_BASE_URL, locale: "de-DE" });
  const hospital = await hospitalContext.newPage();
  const problems = watch(hospital);
  await hospitalAdmin(page, hospital, { ikEight: "26095678", name: "Klinik Strukturhausen", username: "s.struktur" });

  // The hospital applies; the OPS code is checked while typing.
  await openApp(hospital, "/pruefverfahren/strukturpruefungen");
  await expect(hospital.getByRole("heading", { level: 1 })).toHaveText("Strukturprüfungen");
  await hospital.getByLabel("Standortnummer").fill("771234000");
  const ops = hospital.getByLabel("OPS-Kode");
  await ops.fill("898f");
  await ops.blur();
  await expect(hospital.locator("#ops_code-fehler")).toContainText("OPS-Kode");
  await ops.fill("8-98f");
  await expect(hospital.locator("#ops_code-fehler")).toBeEmpty();
  await expectNoAxeViolations(hospital);
  await hospital.getByRole("button", { name: "Antrag stellen" }).click();
  const application = hospital.getByTestId("structure-item");
  await expect(application).toHaveCount(1);
  await expect(application.getByTestId("structure-state")).toHaveText("beantragt");
  await application.getByLabel(/Nachweise hochladen/).setInputFiles([
    { name: "personal.pdf", mimeType: "application/pdf", buffer: pdf("Personalnachweis") },
    { name: "geraete.pdf", mimeType: "application/pdf", buffer: pdf("Geräteliste") },
  ]);
  await expect(application.getByTestId("file-row")).toHaveCount(2);
  await expectNoAxeViolations(hospital);

  // The MD certifies for two years.
  await openApp(page, "/pruefverfahren/strukturpruefungen");
  const mdItem = page.getByTestId("structure-item").filter({ hasText: "Klinik Strukturhausen" });
  await expect(mdItem.getByTestId("file-row")).toHaveCount(2);
  await expectNoAxeViolations(page);
  await mdItem.getByLabel("Gültig ab").fill(isoDate(0));
  await mdItem.getByLabel("Gültig bis").fill(isoDate(730));
  await mdItem.getByRole("button", { name: "Bescheinigung erteilen" }).click();
  await expect(mdItem.getByTestId("structure-state")).toHaveText("Bescheinigung erteilt");
  await expect(mdItem.getByTestId("certificate")).toContainText("gültig");

  // The hospital sees its certificate.
  await hospital.reload();
  await expect(application.getByTestId("certificate")).toContainText(`bis ${germanDate(730)}`);
  await expect(application.getByTestId("certificate")).toContainText("gültig");
  await expectNoAxeViolations(hospital);

  expect(problems, "the hospital's page logged errors").toEqual([]);
  await hospitalContext.close();
});
