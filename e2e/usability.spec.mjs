// What new users stumbled over (issue 15), as they met it: live checks on every number field
// (with a neutral hint until the number is complete, grouping allowed), the stored sex in the
// edit form, the grid's checkbox, German names in the bulk preview and end dates in the grid,
// plurals and articles, labels that say what is required and what a button is for, the answer to
// a code used twice and the notice after a recovery code. Runs against the demo server; the
// phone project runs it again at 390 px.
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";
import { expectNoHorizontalOverflow, fillSignIn, freshAccount, signIn, signOut } from "./demo-accounts.mjs";
import { freshTotp } from "./totp.mjs";

test.skip(!process.env.LE_DEMO_BASE_URL, "needs a demo server");
test.use({ baseURL: process.env.LE_DEMO_BASE_URL });
// Each sign-in may wait for the next time step of its account (up to 30 s).
test.describe.configure({ mode: "serial", timeout: 90_000 });

const AGREEMENT_PDF = fileURLToPath(new URL("../public/dokumente/nutzungsvereinbarung.pdf", import.meta.url));

test("number fields answer while typing, accept grouping and say how far the number is", async ({ page }) => {
  // The number check: the neutral request names the kind with the right article.
  await openApp(page, "/nummernpruefung");
  await page.getByLabel("Institutionskennzeichen (IK)").check();
  await expect(page.getByTestId("local-result")).toHaveText("Bitte ein 9-stelliges Institutionskennzeichen (IK) eingeben.");
  await page.getByLabel("Arztnummer (ANR)").check();
  await expect(page.getByTestId("local-result")).toHaveText("Bitte eine 9-stellige Arztnummer (ANR) eingeben.");
  // Still typing: a neutral count, no red verdict.
  await page.getByLabel("Nummer", { exact: true }).fill("838");
  await expect(page.getByTestId("local-result")).toHaveText("3 von 9 Ziffern eingegeben – noch 6 Ziffern.");
  await expect(page.getByLabel("Nummer", { exact: true })).toHaveAttribute("aria-invalid", "false");
  // Pasted with spaces or dots: the same valid number.
  await page.getByLabel("Nummer", { exact: true }).fill("838 382 202");
  await expect(page.getByTestId("local-result")).toContainText("Gültig");
  await page.getByLabel("Nummer", { exact: true }).fill("838.382.202");
  await expect(page.getByTestId("local-result")).toContainText("Gültig");
  await page.getByRole("button", { name: "Vom Server prüfen lassen" }).click();
  await expect(page.getByTestId("server-result")).toContainText("Browser und Server stimmen überein");
  await expectNoAxeViolations(page);

  // Registration: the IK is neutral while incomplete, an error as soon as a complete number
  // is wrong, valid when pasted with spaces.
  await openApp(page, "/registrierung");
  const ik = page.getByLabel("Institutionskennzeichen (IK)");
  await ik.fill("2603");
  await expect(ik).toHaveAttribute("aria-invalid", "false");
  await expect(page.locator("#ik-stand")).toHaveText("4 von 9 Ziffern eingegeben – noch 5 Ziffern.");
  await ik.fill("26032682");
  await expect(page.locator("#ik-stand")).toHaveText("8 von 9 Ziffern eingegeben – noch 1 Ziffer.");
  await ik.fill("260326821");
  await expect(ik).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#ik-fehler")).toContainText("Prüfziffer");
  await ik.fill("260 326 822");
  await expect(ik).toHaveAttribute("aria-invalid", "false");
  await expect(page.locator("#ik-ok")).toContainText("Gültig");
  // Native file input: styled like a control and naming the chosen file.
  await page.getByLabel("Eingescannte Nutzungsvereinbarung (PDF)").setInputFiles({
    name: "vereinbarung.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
  });
  await expect(page.getByText("Gewählt: vereinbarung.pdf")).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);

  // The physician form: the ANR answers while typing (no need to leave the field), the box
  // below shows the stored number, not the one being typed.
  await signIn(page, "klinik.personal");
  await openApp(page, "/arztverzeichnis/neu");
  const anr = page.getByLabel("Arztnummer (ANR, falls bekannt)");
  await anr.fill("838");
  await expect(anr).toHaveAttribute("aria-invalid", "false");
  await expect(page.locator("#arzt-anr-stand")).toHaveText("3 von 9 Ziffern eingegeben – noch 6 Ziffern.");
  await anr.fill("838 381 202");
  await expect(anr).toBeFocused();
  await expect(anr).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#arzt-anr-fehler")).toContainText("Prüfziffer");
  await anr.fill("838 382 202");
  await expect(anr).toHaveAttribute("aria-invalid", "false");
  await expect(page.getByTestId("request-state")).toHaveText("Status: nicht beantragt");
  // A title makes the date of doctorate required, and its label says so.
  await expect(page.getByLabel("Datum der Promotion", { exact: true })).toBeVisible();
  await page.getByLabel("Dr.-Titel laut Personalausweis").check();
  await expect(page.getByLabel("Datum der Promotion (Pflichtfeld)")).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);
  await signOut(page);
});

test("stored records open as stored; the grid's box, end dates and a readable bulk preview", async ({ page }) => {
  await signIn(page, "klinik.personal");
  await openApp(page, "/arztverzeichnis");
  await expect(page.getByTestId("physician-row").first()).toBeVisible();
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);
  // The search field is wide enough for its placeholder.
  const search = page.getByLabel("Suche");
  const fits = await search.evaluate((input) => {
    const style = getComputedStyle(input);
    const canvas = document.createElement("canvas").getContext("2d");
    canvas.font = `${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return canvas.measureText(input.placeholder).width <= room;
  });
  expect(fits, "the search placeholder fits").toBe(true);
  // "Neu laden" is a secondary action.
  await expect(page.getByRole("button", { name: "Neu laden" })).not.toHaveClass(/bg-blue-800/);

  // A click on a row's checkbox ticks it and selects the row; a second click undoes both.
  const row = page.getByTestId("physician-row").first();
  const box = row.getByRole("checkbox");
  await box.click();
  await expect(box).toBeChecked();
  await expect(row).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("selected-count")).toHaveText("1");
  await box.click();
  await expect(box).not.toBeChecked();
  await expect(page.getByTestId("selected-count")).toHaveText("0");

  // The edit form shows the stored sex.
  const name = await row.getByRole("link").textContent();
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ärztin/Arzt bearbeiten");
  const sex = page.getByLabel("Geschlecht (Pflichtfeld)");
  await expect(sex).not.toHaveValue("");
  await expect(sex.locator("option:checked")).not.toHaveText("– bitte wählen –");
  await expectNoAxeViolations(page);
  await page.goBack();

  // Bulk end date for one active physician: the preview names the site in German, the grid
  // shows the end.
  await openApp(page, `/arztverzeichnis?taetigkeit=aktiv&q=${encodeURIComponent(name)}`);
  const only = page.getByTestId("physician-row").first();
  await only.getByRole("checkbox").click();
  await expect(page.getByTestId("selected-count")).toHaveText("1");
  await page.getByLabel("Tätigkeit an Standort beenden zum …").check();
  await page.getByRole("button", { name: "Vorschau", exact: true }).click();
  const preview = page.getByTestId("preview-row").first();
  await expect(preview).toContainText(/Standort 77\d{7} – [^:]+: Ende (offen|\d\d\.\d\d\.\d{4}) → \d\d\.\d\d\.\d{4}/);
  await expect(preview).not.toContainText("sites[");
  await expect(page.getByTestId("preview-counts")).toHaveText(/^1 wird geändert, 0 unverändert, 0 mit Fehlern$/);
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Übernehmen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Übernommen:" })).toBeVisible();
  await expect(page.getByTestId("physician-row").first()).toContainText(/bis \d\d\.\d\d\.\d{4}/);
  await page.getByRole("button", { name: "Rückgängig machen" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Rückgängig gemacht:" })).toBeVisible();
  // The file input looks like the registration's and names the chosen file.
  const csvInput = page.getByLabel("CSV-Datei importieren (zuerst Probelauf)");
  expect(await csvInput.evaluate((i) => getComputedStyle(i).borderTopStyle)).toBe("solid");
  const id = await page.getByTestId("physician-row").first().getAttribute("data-id");
  const csv = await (await page.request.get(`/api/v1/physicians/export.csv?ids=${id}`)).body();
  await csvInput.setInputFiles({ name: "eine-zeile.csv", mimeType: "text/csv", buffer: csv });
  await expect(page.getByText("Gewählt: eine-zeile.csv")).toBeVisible();
  await expect(page.getByTestId("import-summary")).toContainText("Probelauf: 0 neu, 0 geändert, 1 unverändert, 0 Fehler");
  await signOut(page);
});

test("counts read as German, list buttons name their object, the role select is not cut off", async ({ page }) => {
  // The audit start page: tiles read "1 offen", not "1offen"; singular and plural agree.
  await signIn(page, "klinik.admin");
  await openApp(page, "/pruefverfahren");
  const tile = page.getByTestId("dashboard").getByRole("listitem").first();
  await expect(tile).toBeVisible();
  expect(await tile.evaluate((li) => li.textContent)).toMatch(/^\d+ \S/);
  await expect(page.locator("body")).not.toContainText(/\b1 (offene Anforderungen|Bescheinigungen|Dateien|Sekunden)\b/);
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);

  // Users: the role select shows its whole label.
  await openApp(page, "/verwaltung/benutzer");
  const select = page.getByTestId("user-table").getByRole("combobox").first();
  await expect(select).toBeVisible();
  const whole = await select.evaluate((el) => {
    const style = getComputedStyle(el);
    const canvas = document.createElement("canvas").getContext("2d");
    canvas.font = `${style.fontSize} ${style.fontFamily}`;
    const longest = Math.max(...[...el.options].map((o) => canvas.measureText(o.text).width));
    return longest <= el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  });
  expect(whole, "the longest role fits in the select").toBe(true);
  await expectNoAxeViolations(page);
  await signOut(page);

  // The MD's registrations: the buttons of an entry carry its institution.
  const suffix = `${Date.now()}`.slice(-6);
  const institution = `Pflegedienst Knopf ${suffix}`;
  const registered = await page.request.post("/api/v1/registrations", {
    headers: { "X-Requested-With": "le-portal" },
    multipart: {
      form: JSON.stringify({
        kind: "care_service", ik: await freeIk(page), name: institution, street: "Am Markt 1",
        postal_code: "30159", city: "Hannover", main_ik: "", admin_first_name: "Karla",
        admin_last_name: "Knopf", admin_email: `k${suffix}@pflege.example`, admin_username: `k.knopf${suffix}`,
      }),
      agreement: { name: "vereinbarung.pdf", mimeType: "application/pdf", buffer: await readFile(AGREEMENT_PDF) },
    },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  await signIn(page, "md.admin");
  await openApp(page, "/verwaltung/registrierungen");
  await expect(page.getByRole("button", { name: `Freigeben: ${institution}` })).toBeVisible();
  await expect(page.getByRole("button", { name: `Ablehnen: ${institution}` })).toBeVisible();
  await expectNoAxeViolations(page);
  await signOut(page);
});

/** A valid IK (care services, class 46) that no other journey of this run uses. */
async function freeIk(page) {
  for (;;) {
    const serial = `${Math.floor(Math.random() * 10_000)}`.padStart(4, "0");
    const stem = `4603${serial}`;
    for (let check = 0; check <= 9; check++) {
      const answer = await (await page.request.post("/api/v1/validate", {
        headers: { "X-Requested-With": "le-portal" },
        data: { items: [{ kind: "ik", value: `${stem}${check}` }] },
      })).json();
      if (answer.results[0].valid) return `${stem}${check}`;
    }
  }
}

test("a code used seconds ago is named as such, at the code field", async ({ browser }) => {
  // A page of its own: the expected 401 makes Chromium log "Failed to load resource", which the
  // fixture's page would count as an error.
  const context = await browser.newContext({ baseURL: process.env.LE_DEMO_BASE_URL, viewport: test.info().project.use.viewport, locale: "de-DE" });
  const page = await context.newPage();
  const account = await freshAccount(page, "klinik.lesen");
  await fillSignIn(page, account);
  await page.waitForURL((u) => !u.pathname.startsWith("/anmelden"));
  await signOut(page);
  // The same code again, within its 30 seconds.
  await fillSignIn(page, account);
  const code = page.getByLabel("Code aus der Authenticator-App oder Wiederherstellungscode");
  await expect(code).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#code-fehler")).toHaveText(/bereits verwendet/);
  await expect(page.getByRole("alert").filter({ hasText: "bereits verwendet" })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "Benutzername, Passwort oder Code" })).toHaveCount(0);
  await expect(code).toBeFocused();
  await expectNoAxeViolations(page);
  // Typing another code clears the server's word on the old one.
  await code.fill("123456");
  await expect(code).toHaveAttribute("aria-invalid", "false");
  await context.close();
});

// The shared demo accounts cannot make new recovery codes (every visitor uses them): this journey
// runs as the MD administrator of the server without demo data.
test("after a recovery code: one is used up, how many remain, and the way to new ones", async ({ browser }) => {
  test.setTimeout(120_000);
  const md = {
    username: process.env.LE_MD_ADMIN_USERNAME,
    password: process.env.LE_MD_ADMIN_PASSWORD,
    secret: process.env.LE_MD_ADMIN_TOTP_SECRET,
  };
  expect(md.username, "global setup exposes the MD admin").toBeTruthy();
  const context = await browser.newContext({ baseURL: process.env.LE_BASE_URL, locale: "de-DE" });
  const page = await context.newPage();
  const code = await freshTotp(md.secret.replace(/\s/g, "").toUpperCase());
  await fillSignIn(page, { username: md.username, password: md.password, code });
  await page.waitForURL((u) => !u.pathname.startsWith("/anmelden"));
  await openApp(page, "/konto");
  await page.getByRole("button", { name: "Neue Codes erzeugen" }).click();
  await page.getByRole("button", { name: "Ja, neue Codes erzeugen" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem").first()).toBeVisible();
  const codes = (await page.getByTestId("recovery-codes").getByRole("listitem").allTextContents()).map((c) => c.trim());
  expect(codes.length).toBeGreaterThan(1);
  await signOut(page);
  await fillSignIn(page, { username: md.username, password: md.password, code: codes[0] });
  const notice = page.getByTestId("recovery-code-notice");
  await expect(notice).toContainText("Wiederherstellungscode verbraucht");
  await expect(notice).toContainText(`Ihnen bleiben noch ${codes.length - 1} Wiederherstellungscodes.`);
  await expectNoAxeViolations(page);
  await notice.getByRole("link", { name: "Neue Wiederherstellungscodes erzeugen" }).click();
  await expect(page).toHaveURL(/\/konto#codes$/);
  await page.getByRole("button", { name: "Neue Codes erzeugen" }).click();
  await page.getByRole("button", { name: "Ja, neue Codes erzeugen" }).click();
  await expect(page.getByTestId("recovery-code-notice")).toHaveCount(0);
  await signOut(page);
  await context.close();
});
