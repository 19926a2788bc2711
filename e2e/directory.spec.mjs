// Journey of the physician directory (KHANR-VZ) against a demo server (the demo hospital
// "Klinikum Leineufer Hannover" with 40 physicians, the office, the demo registry): the grid,
// creating physicians with live validation, the three answers to an ANR request, the office's
// clarification, a bulk edit with preview and undo, and the CSV round trip. Needs
// LE_DEMO_BASE_URL (a server started with --demo); skipped otherwise.
import { readFile } from "node:fs/promises";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";
import { signIn } from "./demo-accounts.mjs";

test.skip(!process.env.LE_DEMO_BASE_URL, "needs a demo server");
test.use({ baseURL: process.env.LE_DEMO_BASE_URL });
test.describe.configure({ mode: "serial" });

async function signOut(page) {
  await page.getByRole("banner").getByRole("button", { name: "Abmelden" }).click();
  await expect(page).toHaveURL(/\/anmelden/);
}

/** Fills the required fields of a new physician (site 773686000 since 01.01.2020). */
async function createPhysician(page, { sex, last, first, birth, exam, licence }) {
  await openApp(page, "/arztverzeichnis/neu");
  await page.getByLabel("Geschlecht (Pflichtfeld)").selectOption({ label: sex });
  await page.getByLabel("Nachname").fill(last);
  await page.getByLabel("Vorname").fill(first);
  await page.getByLabel("Geburtsdatum").fill(birth);
  await page.getByLabel("Datum des Staatsexamens").fill(exam);
  await page.getByLabel("Datum der Approbation").fill(licence);
  await page.getByRole("button", { name: "Standort hinzufügen" }).click();
  await page.getByLabel("Standort 1", { exact: true }).selectOption("773686000");
  await page.getByLabel("Beginn (Standort 1)").fill("2020-01-01");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page).toHaveURL(/\/arztverzeichnis\/\d+\?gespeichert=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Gespeichert." })).toBeVisible();
}

async function requestAnr(page) {
  await page.getByRole("button", { name: "Arztnummer beantragen" }).click();
  return page.getByTestId("anr-outcome");
}

test("directory search: the rows on screen show the matching records, the URL follows the typing", async ({ page }) => {
  await signIn(page, "klinik.personal");
  await openApp(page, "/arztverzeichnis");
  await expect(page.getByTestId("grid-counts")).toContainText("40 von 40 angezeigt");
  const rows = page.getByTestId("physician-row");
  const fifth = rows.nth(4);
  const name = await fifth.getByRole("link").innerText();
  const id = await fifth.getAttribute("data-id");
  // The rows' elements stay and show the records that now pass: every part of a row must follow.
  await page.getByLabel("Suche").fill(name);
  const found = page.locator(`[data-testid="physician-row"][data-id="${id}"]`);
  await expect(found).toHaveAttribute("id", `arzt-zeile-${id}`);
  await expect(found.getByRole("link")).toHaveText(name);
  await expect(found.getByRole("link")).toHaveAttribute("href", `/arztverzeichnis/${id}`);
  await expect(found.getByRole("checkbox")).toHaveAccessibleName(`${name} auswählen`);
  const mismatched = await rows.evaluateAll((all) =>
    all.filter((row) => {
      const link = row.querySelector("a");
      return !link.getAttribute("href").endsWith(`/${row.dataset.id}`)
        || row.id !== `arzt-zeile-${row.dataset.id}`
        || row.querySelector("input").getAttribute("aria-label") !== `${link.textContent} auswählen`;
    }).length);
  expect(mismatched, "rows whose parts show different records").toBe(0);
  await expect(page).toHaveURL(/[?&]q=/);
  // Another filter's change keeps what was just typed (the search box lost the focus to it).
  await page.getByLabel("Suche").fill("zzzz");
  await page.getByLabel("Tätigkeit").focus();
  await page.getByLabel("Tätigkeit").selectOption("aktiv");
  // At once, not only after the pause in typing.
  expect(await page.evaluate(() => location.search)).toContain("q=zzzz");
  await expect(page).toHaveURL(/taetigkeit=aktiv/);
  await expect(page.getByLabel("Suche")).toHaveValue("zzzz");
  await page.getByLabel("Tätigkeit").selectOption("");
  // After a filter shortens the list, the row that takes Tab is still there.
  await page.getByLabel("Suche").fill("");
  await expect(page.getByTestId("grid-counts")).toContainText("40 von 40");
  await rows.first().focus();
  await page.keyboard.press("End");
  const tabRow = page.locator('[data-testid="physician-row"][tabindex="0"]');
  await expect(tabRow).toHaveAttribute("aria-rowindex", "41");
  await page.getByLabel("Suche").fill(name);
  await expect(tabRow).toHaveCount(1);
  // Leaving while the URL's write still waits does not lead back to the directory, and coming
  // back finds the search (written when the box lost the focus).
  await page.getByLabel("Suche").fill("yyyy");
  await page.getByRole("link", { name: "Klärungen" }).click();
  await expect(page).toHaveURL(/\/arztverzeichnis\/klaerungen$/);
  await page.waitForTimeout(800);
  await expect(page).toHaveURL(/\/arztverzeichnis\/klaerungen$/);
  await page.goBack();
  await expect(page.getByLabel("Suche")).toHaveValue("yyyy");
});

test("directory journey: grid, form, ANR answers, office, bulk edit, CSV", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, "klinik.personal");

  // The grid: 40 demo physicians, virtual rows, keyboard.
  await openApp(page, "/arztverzeichnis");
  await expect(page.getByTestId("grid-counts")).toContainText("40 von 40 angezeigt");
  await expect(page.getByTestId("physician-row").first()).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("Suche").fill("zzzz-niemand");
  await expect(page.getByTestId("grid-counts")).toContainText("0 von 40");
  await expect(page).toHaveURL(/q=zzzz-niemand/);
  await page.getByLabel("Suche").fill("");
  await expect(page.getByTestId("grid-counts")).toContainText("40 von 40");

  // A new physician: instant errors, fixed one by one.
  await page.getByRole("link", { name: "Ärztin/Arzt anlegen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ärztin/Arzt anlegen");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Bitte korrigieren" })).toBeVisible();
  const lastName = page.getByLabel("Nachname");
  await expect(lastName).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Geschlecht (Pflichtfeld)").selectOption({ label: "weiblich" });
  await expect(page.getByLabel("Geschlecht (Pflichtfeld)")).toHaveAttribute("aria-invalid", "false");
  await lastName.fill("Testmann-Neu");
  await expect(lastName).toHaveAttribute("aria-invalid", "false");
  await page.getByLabel("Vorname").fill("Theresa");
  await page.getByLabel("Geburtsdatum").fill("1979-03-14");
  // Too young at the state exam: the rule shows at once.
  await page.getByLabel("Datum des Staatsexamens").fill("1990-06-01");
  await expect(page.getByLabel("Datum des Staatsexamens")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Datum des Staatsexamens").fill("2004-06-01");
  await expect(page.getByLabel("Datum des Staatsexamens")).toHaveAttribute("aria-invalid", "false");
  await page.getByLabel("Datum der Approbation").fill("2005-01-10");
  await page.getByRole("button", { name: "Standort hinzufügen" }).click();
  await page.getByLabel("Standort 1", { exact: true }).selectOption("773686000");
  await page.getByLabel("Beginn (Standort 1)").fill("2021-04-01");
  await expect(page.getByTestId("activity-periods")).toContainText("01.04.2021 – offen");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page).toHaveURL(/\/arztverzeichnis\/\d+\?gespeichert=1$/);
  await expectNoAxeViolations(page);
  await expect(await requestAnr(page)).toContainText("Neue Arztnummer vergeben");

  // Known to the registry with the same data: matched.
  await createPhysician(page, {
    sex: "weiblich", last: "Schmidt", first: "Anna", birth: "1980-04-12", exam: "2005-11-20", licence: "2006-05-02",
  });
  await expect(await requestAnr(page)).toContainText("Vorhandene Arztnummer zugeordnet");

  // Known with other data: mismatch, both values side by side.
  await createPhysician(page, {
    sex: "weiblich", last: "Weber", first: "Julia", birth: "1985-09-23", exam: "2011-05-10", licence: "2011-11-15",
  });
  const outcome = await requestAnr(page);
  await expect(outcome.getByTestId("mismatch")).toBeVisible();
  await expect(outcome.getByRole("columnheader", { name: "Krankenhaus" })).toBeVisible();
  await expect(outcome.getByRole("columnheader", { name: "Register" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "Zu den Klärungen" }).click();
  await expect(page.getByTestId("clarification").filter({ hasText: "Weber" })).toBeVisible();
  await expectNoAxeViolations(page);
  await signOut(page);

  // The office accepts the hospital's value.
  await signIn(page, "gs.sachbearbeitung");
  await openApp(page, "/arztverzeichnis/geschaeftsstelle");
  const office = page.getByTestId("office-clarification").filter({ hasText: "Weber" });
  await expect(office).toBeVisible();
  await expectNoAxeViolations(page);
  await office.getByRole("button", { name: "Angaben des Krankenhauses übernehmen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Klärung abgeschlossen." })).toBeVisible();
  await expect(page.getByTestId("office-clarification").filter({ hasText: "Weber" })).toContainText("geklärt");
  await signOut(page);

  // Bulk: 30 physicians leave at month end; preview, apply, undo.
  await signIn(page, "klinik.personal");
  await openApp(page, "/arztverzeichnis");
  await expect(page.getByTestId("grid-counts")).toContainText("43 von 43");
  const firstRow = page.getByTestId("physician-row").first();
  await firstRow.click();
  for (let i = 1; i < 30; i++) {
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Space");
  }
  await expect(page.getByTestId("selected-count")).toHaveText("30");
  await page.getByLabel("Tätigkeit an Standort beenden zum …").check();
  await page.getByRole("button", { name: "Vorschau", exact: true }).click();
  await expect(page.getByTestId("preview-row")).toHaveCount(30);
  await expect(page.getByTestId("preview-counts")).toBeVisible();
  await page.getByRole("button", { name: "Mit dem Server abgleichen" }).click();
  await expect(page.getByText("Der Server bestätigt die Vorschau.")).toBeVisible();
  // An end before some assignments' starts: those records are refused, and listed first.
  const monthEnd = await page.locator("#bulk-ende-datum").inputValue();
  await page.locator("#bulk-ende-datum").fill("2020-06-30");
  await expect(page.getByText("Der Server bestätigt die Vorschau.")).toBeHidden();
  await expect(page.getByTestId("preview-counts")).not.toContainText(" 0 mit Fehlern");
  await expect(page.getByTestId("preview-row").first()).toContainText("Fehler");
  await expect(page.getByTestId("preview-row").first()).toContainText("Ende");
  // Every refused row before every other one (the list order mixes them).
  const summaries = await page.getByTestId("preview-row").locator("td:nth-child(2)").allTextContents();
  const firstOther = summaries.findIndex((s) => !s.includes("Fehler"));
  expect(firstOther, "a changed record among the 30").toBeGreaterThan(0);
  expect(summaries.slice(firstOther).filter((s) => s.includes("Fehler")), "refused rows after others").toEqual([]);
  await page.getByRole("button", { name: "Mit dem Server abgleichen" }).click();
  await expect(page.getByText("Der Server bestätigt die Vorschau.")).toBeVisible();
  await page.locator("#bulk-ende-datum").fill(monthEnd);
  await expect(page.getByTestId("preview-counts")).toContainText(" 0 mit Fehlern");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Übernehmen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Übernommen:" })).toBeVisible();
  await page.getByRole("button", { name: "Rückgängig machen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Rückgängig gemacht:" })).toBeVisible();

  // CSV: export the list and read it back as a dry run: nothing changes.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("csv-export").click(),
  ]);
  const csv = await readFile(await download.path());
  await page.getByLabel("CSV-Datei importieren (zuerst Probelauf)").setInputFiles({
    name: "arztverzeichnis.csv", mimeType: "text/csv", buffer: csv,
  });
  await expect(page.getByTestId("import-summary")).toContainText("Probelauf: 0 neu, 0 geändert, 43 unverändert, 0 Fehler");
  const rows = page.getByTestId("import-row");
  await expect(rows).toHaveCount(43);
  await expectNoAxeViolations(page);
});

/** A demo server of its own whose hospital has `physicians` physicians (le-server seed-bench). */
async function seededServer(physicians) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const binary = join(root, "target", "release", "le-server");
  const dist = join(root, "dist");
  const dir = mkdtempSync(join(tmpdir(), "le-portal-e2e-national-"));
  const seeded = spawnSync(binary, ["--data-dir", dir, "--dist-dir", dist, "--demo", "seed-bench",
    "--physicians", String(physicians), "--registry", "0"], { encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`seed-bench failed: ${seeded.stderr}`);
  const server = spawn(binary, ["--listen", "127.0.0.1:0", "--data-dir", dir, "--dist-dir", dist, "--demo"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LE_LOG: "warn" },
  });
  const base = await new Promise((ok, fail) => {
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) ok(match[1]);
    });
    server.on("exit", (code) => fail(new Error(`server exited early with ${code}`)));
  });
  const stop = async () => {
    server.kill("SIGTERM");
    await new Promise((done) => (server.exitCode !== null ? done() : server.on("exit", done)));
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, stop };
}

test("bulk edit at national scale: more than 10,000 selected, applied with progress, undone", async ({ page }) => {
  test.setTimeout(300_000);
  const { base, stop } = await seededServer(10_500);
  try {
    const accounts = await (await page.request.get(`${base}/api/v1/demo/accounts`)).json();
    const hr = accounts.find((a) => a.username === "klinik.personal");
    await page.goto(`${base}/anmelden`);
    await page.getByLabel("Benutzername").fill(hr.username);
    await page.getByLabel("Passwort", { exact: true }).fill(hr.password);
    await page.getByLabel("Code aus der Authenticator-App oder Wiederherstellungscode").fill(hr.code);
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/anmelden"));
    await page.goto(`${base}/arztverzeichnis`);
    await expect(page.getByTestId("grid-counts")).toContainText("10500 von 10500 angezeigt", { timeout: 60_000 });
    await page.getByRole("button", { name: "Alle gefilterten auswählen" }).click();
    await expect(page.getByTestId("selected-count")).toHaveText("10500");
    await page.getByLabel("Tätigkeit an Standort beenden zum …").check();
    await page.getByRole("button", { name: "Vorschau", exact: true }).click();
    await expect(page.getByTestId("preview-counts")).toHaveText("10.500 werden geändert, 0 unverändert, 0 mit Fehlern");
    await expect(page.getByTestId("preview-row")).toHaveCount(100);
    await page.getByRole("button", { name: "Übernehmen" }).click();
    // The apply runs as one operation; its progress shows while it does.
    await expect(page.getByTestId("bulk-progress")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Übernommen: 10.500 geändert, 0 unverändert." }))
      .toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId("grid-counts")).toContainText("10500 von 10500 angezeigt", { timeout: 60_000 });
    // Every row now shows its end date (the first rows are rendered).
    await expect(page.getByTestId("physician-row").first()).toContainText(" bis ");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Rückgängig machen" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Rückgängig gemacht: 10.500 wiederhergestellt." }))
      .toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId("physician-row").first()).not.toContainText(" bis ", { timeout: 60_000 });
  } finally {
    await stop();
  }
});
