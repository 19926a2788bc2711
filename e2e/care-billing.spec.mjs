// Care billing journey against the demo server: the operator imports the data acceptance
// point's certificate; the care service imports its PKCS#12 file into the browser, prepares a
// delivery (a wrong worker number is marked at once and fixed), sees the routing, seals the file
// in wasm, uploads it and mails it to the local SMTP sink. The test reads the mail, decrypts the
// attachment with `openssl cms -decrypt`, verifies it with `openssl cms -verify` and compares
// the bytes with the file it picked. axe-core finds nothing on every page.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { test, expect, expectNoAxeViolations } from "./fixtures.mjs";
import { signIn, signOut, expectNoHorizontalOverflow } from "./demo-accounts.mjs";

test.skip(!process.env.LE_DEMO_BASE_URL || !process.env.LE_CARE_PKI_DIR, "needs the demo server with the care PKI");
test.use({ baseURL: process.env.LE_DEMO_BASE_URL });
test.describe.configure({ mode: "serial" });

const pki = process.env.LE_CARE_PKI_DIR;
const mailDir = process.env.LE_CARE_MAIL_DIR;

function openssl(...args) {
  const r = spawnSync("openssl", args, { cwd: pki, encoding: "utf8" });
  return r;
}

/** Waits for the mail with `attachment` in the sink; its decoded bytes. */
async function mailedAttachment(name) {
  for (let i = 0; i < 100; i++) {
    if (existsSync(mailDir)) {
      const files = readdirSync(mailDir);
      const hit = files.find((f) => f.endsWith(`-${name}`));
      const n = hit?.split("-")[0];
      if (hit && files.includes(`${n}.eml`)) {
        return {
          bytes: readFileSync(join(mailDir, hit)),
          envelope: readFileSync(join(mailDir, `${n}.envelope`), "utf8"),
          orderFile: files.find((f) => f.startsWith(`${n}-`) && f.endsWith(".AUF")),
        };
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail with ${name} in ${mailDir}`);
}

test("a care service seals a delivery in the browser and mails it; openssl opens it", async ({ page }) => {
  test.setTimeout(180_000);

  // The operator imports the trust centre's key list (here: the test recipient's certificate).
  await signIn(page, "md.admin");
  await page.goto("/pflegeabrechnung/zertifikate");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Zertifikate der Datenannahmestellen");
  await page.getByLabel("Datei (PEM, DER oder Base64-Liste)").setInputFiles(join(pki, "recipient.pem"));
  await page.getByRole("button", { name: "Einspielen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Zertifikate übernommen" })).toBeVisible();
  await expect(page.getByTestId("certificates")).toContainText("109905003");
  await expectNoAxeViolations(page);
  await signOut(page);

  // The care service's admin keeps its PKCS#12 file in this browser (checked with its password).
  await signIn(page, "pflege.admin");
  await page.goto("/pflegeabrechnung/schluessel");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Signaturschlüssel");
  await expect(page.getByTestId("key-status")).toHaveText("Kein Schlüssel gespeichert.");
  // The crypto is a chunk of its own: not fetched when the area opens, only when it is used.
  const cryptoChunk = [];
  page.on("response", (res) => {
    if (/\/split_care_seal-[0-9a-f]{16}\.wasm$/.test(new URL(res.url()).pathname)) cryptoChunk.push(res.status());
  });
  expect(cryptoChunk).toEqual([]);
  await page.getByLabel("PKCS#12-Datei (.p12, .pfx)").setInputFiles(join(pki, "sender.p12"));
  await page.getByLabel("Passwort der Datei").fill("falsch");
  await page.getByRole("button", { name: "Prüfen und im Browser speichern" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Passwort" }).first()).toBeVisible();
  await page.getByLabel("Passwort der Datei").fill("Pflege-Test-2026");
  await page.getByRole("button", { name: "Prüfen und im Browser speichern" }).click();
  await expect(page.getByTestId("key-status")).toContainText("Pflegedienst Sonnenschein (Test)");
  await expect(page.getByTestId("key-status")).toContainText("IK 460512349");
  expect(cryptoChunk, "the crypto chunk is fetched once, when the key is checked").toEqual([200]);
  await expectNoAxeViolations(page);

  // A new delivery: the payload is picked here and never leaves the browser unencrypted.
  const payload = Buffer.concat([Buffer.from("UNH+1+PLGA:2:0:0'Pflegedienst Sonnenschein\n", "latin1"), randomBytes(200_000)]);
  await page.getByRole("navigation", { name: "Pflegeabrechnung" }).getByRole("link", { name: "Neue Lieferung" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Neue Lieferung");
  await page.getByLabel("Datei aus der Abrechnungssoftware").setInputFiles({ name: "abrechnung.edi", mimeType: "application/octet-stream", buffer: payload });
  await page.getByLabel("Leistungsart").selectOption("01");
  // A wrong worker number is marked as it is typed, and the mark goes once it is right.
  const lbnr = page.getByLabel("LBNR Zeile 1");
  await lbnr.fill("999999999");
  await expect(page.getByTestId("lbnr-0-error")).toContainText("Ersatznummer 999999999");
  await expect(lbnr).toHaveAttribute("aria-invalid", "true");
  await lbnr.fill("10000001");
  await expect(page.getByTestId("lbnr-0-error")).not.toBeEmpty();
  await lbnr.fill("100000017");
  await expect(page.getByTestId("lbnr-0-error")).toBeEmpty();
  await expect(lbnr).toHaveAttribute("aria-invalid", "false");
  await expect(page.getByText("✓ Anna Adler")).toBeVisible();
  // The routing of the region (Nordrhein): the data acceptance point and the paper receipts.
  await expect(page.getByTestId("acceptance-point")).toContainText("IK 109905003");
  await expect(page.getByTestId("paper-receipts")).not.toHaveText("–");
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalOverflow(page);
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByLabel("Passwort des Signaturschlüssels").fill("Pflege-Test-2026");
  await page.getByRole("button", { name: "Signieren, verschlüsseln und hochladen" }).click();
  await page.waitForURL(/\/pflegeabrechnung\/lieferung\/\d+$/, { timeout: 60_000 });
  expect(cryptoChunk, "sealing reuses the loaded crypto chunk").toEqual([200]);
  // The detail shows "Lieferung" while it loads: wait for the file name, then read it.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Lieferung TPFL0\d{3}$/);
  const heading = await page.getByRole("heading", { level: 1 }).textContent();
  const payloadName = heading.replace("Lieferung ", "").trim();
  expect(payloadName).toMatch(/^TPFL0\d{3}$/);
  await expect(page.getByTestId("order-fields")).toContainText("109905003");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Per E-Mail an die Datenannahmestelle senden" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Per E-Mail an datenannahme@demo.invalid gesendet." })).toBeVisible();
  await expect(page.getByTestId("sent")).toContainText("datenannahme@demo.invalid");

  // The mail in the sink: the recipient's key opens it, the CA verifies the signature, and the
  // content (gzipped before signing) is the picked file, byte for byte.
  const mail = await mailedAttachment(payloadName);
  expect(mail.envelope).toContain("datenannahme@demo.invalid");
  expect(mail.orderFile).toBe(`${mail.orderFile.split("-")[0]}-${payloadName}.AUF`);
  writeFileSync(join(pki, "mailed.p7m"), mail.bytes);
  const decrypted = openssl("cms", "-decrypt", "-inform", "DER", "-in", "mailed.p7m", "-recip", "recipient.pem", "-inkey", "recipient.key", "-out", "mailed.p7s");
  expect(decrypted.status, decrypted.stderr).toBe(0);
  const verified = openssl("cms", "-verify", "-inform", "DER", "-in", "mailed.p7s", "-CAfile", "ca.pem", "-binary", "-out", "mailed.gz");
  expect(verified.status, verified.stderr).toBe(0);
  expect(Buffer.compare(gunzipSync(readFileSync(join(pki, "mailed.gz"))), payload)).toBe(0);

  // The log lists it; an error return leads to a correction delivery.
  await page.getByRole("navigation", { name: "Pflegeabrechnung" }).getByRole("link", { name: "Lieferungen" }).click();
  await expect(page.getByTestId("delivery-log")).toContainText(payloadName);
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: payloadName }).click();
  await page.getByLabel("Fehlernummer").fill("101");
  await page.getByLabel("Fehlermaßnahme").fill("2");
  await page.getByRole("button", { name: "Fehlerrückmeldung vermerken" }).click();
  await expect(page.getByTestId("error-return")).toContainText("Fehlernummer 101, Maßnahme 2");
  await page.getByRole("link", { name: "Korrekturlieferung anlegen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Korrekturlieferung");
  await expectNoAxeViolations(page);

  // Every page of the area fits a 390 px phone and passes axe there too.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, heading] of [
    ["/pflegeabrechnung", "Lieferungen"],
    ["/pflegeabrechnung/einrichtung", "Einrichtung"],
    ["/pflegeabrechnung/personal", "Personal"],
    ["/pflegeabrechnung/schluessel", "Signaturschlüssel"],
    ["/pflegeabrechnung/neu", "Neue Lieferung"],
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await expectNoHorizontalOverflow(page);
    await expectNoAxeViolations(page);
  }
});
