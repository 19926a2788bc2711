// The split SPA: every lazily loaded area opens (signed in where it needs it) with its chunk
// fetched once, no console error and no failed request; the pieces of the directory and the
// audits (src/areas.rs) are fetched only when opened; while a chunk loads the area's heading
// and a progress bar show at once; a chunk that cannot be fetched shows a German message with a
// reload button instead of a panic. Runs against the demo server (seeded accounts).
import { test as base } from "@playwright/test";
import { test, expect, openApp } from "./fixtures.mjs";
import { signIn } from "./demo-accounts.mjs";

test.skip(!process.env.LE_DEMO_BASE_URL, "needs a demo server");
test.use({ baseURL: process.env.LE_DEMO_BASE_URL });
test.describe.configure({ mode: "serial" });

/** Records every request of wasm and JS files; failed or refused ones are problems. */
function watchRequests(page) {
  const fetched = [];
  const failed = [];
  page.on("requestfailed", (req) => {
    const error = req.failure()?.errorText ?? "";
    // ERR_ABORTED: the page navigated away (page.goto) while the request ran.
    if (/\.(wasm|js)$/.test(new URL(req.url()).pathname) && error !== "net::ERR_ABORTED") {
      failed.push(`${req.url()}: ${error}`);
    }
  });
  page.on("response", (res) => {
    const path = new URL(res.url()).pathname;
    if (/\.(wasm|js)$/.test(path)) {
      fetched.push(path);
      if (res.status() >= 400) failed.push(`${path}: HTTP ${res.status()}`);
    }
  });
  return { fetched, failed, count: (re) => fetched.filter((p) => re.test(p)).length };
}

/** Opens `path` in the running app and waits until the area (not its placeholder) is shown. */
async function openArea(page, path, heading) {
  await openApp(page, path);
  await expect(page.locator("main#inhalt progress")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole("alert").filter({ hasText: "konnte nicht geladen werden" })).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 }).first()).toContainText(heading);
}

// [path, area (chunk name), expected heading]
const PUBLIC = [
  ["/registrierung", "registration", "Registrierung für das LE-Portal"],
  ["/registrierung/status", "registration_status", "Stand der Registrierung"],
];
const HOSPITAL_ADMIN = [
  ["/konto", "account", "Konto"],
  ["/arztverzeichnis", "directory", "Arztverzeichnis"],
  ["/pruefverfahren", "audits", ""],
  ["/verwaltung/benutzer", "administration", "Benutzer"],
  ["/verwaltung/api-tokens", "administration", "API-Tokens"],
  ["/verwaltung/protokoll", "administration", "Protokoll"],
];

test("the public areas load their chunks without errors", async ({ page }) => {
  const requests = watchRequests(page);
  await openApp(page, "/");
  expect(requests.count(/\/split_/), "the start page loads no area chunk").toBe(0);
  for (const [path, area, heading] of PUBLIC) {
    await openArea(page, path, heading);
    expect(requests.count(new RegExp(`/split_${area}-[0-9a-f]{16}\\.wasm$`)), path).toBe(1);
  }
  // The sign-in steps (one chunk): without a session they send the visitor back to sign in.
  await openApp(page, "/anmelden/passwort");
  await expect(page.locator("main#inhalt progress")).toHaveCount(0, { timeout: 15_000 });
  expect(requests.count(/\/split_sign_in_steps-[0-9a-f]{16}\.wasm$/)).toBe(1);
  expect(requests.failed).toEqual([]);
});

test("a hospital administrator opens every area; a second visit fetches nothing", async ({ page }) => {
  const requests = watchRequests(page);
  await signIn(page, "klinik.admin");
  for (const [path, area, heading] of HOSPITAL_ADMIN) {
    await openArea(page, path, heading);
    expect(requests.count(new RegExp(`/split_${area}-[0-9a-f]{16}\\.wasm$`)), path).toBeGreaterThan(0);
  }
  // Opened in this page (in-app navigation), left, and opened again: shown at once, no request.
  await page.locator('a[href="/arztverzeichnis"]').first().click();
  await expect(page.locator("main#inhalt progress")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole("heading", { level: 1 }).first()).toContainText("Arztverzeichnis");
  await page.locator('header a[href="/"]').first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Das Leistungserbringerportal");
  const before = requests.fetched.length;
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 }).first()).toContainText("Arztverzeichnis");
  await expect(page.locator("main#inhalt progress")).toHaveCount(0);
  await page.goForward();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Das Leistungserbringerportal");
  await page.locator('a[href="/arztverzeichnis"]').first().click();
  await expect(page.getByRole("heading", { level: 1 }).first()).toContainText("Arztverzeichnis");
  expect(requests.fetched.slice(before)).toEqual([]);
  // Chunks are content-hashed and served immutable.
  const chunk = requests.fetched.find((p) => /\/split_directory-[0-9a-f]{16}\.wasm$/.test(p));
  const res = await page.request.get(chunk, { headers: { "accept-encoding": "br" } });
  expect(res.headers()["cache-control"]).toContain("immutable");
  expect(res.headers()["content-encoding"]).toBe("br");
  expect(requests.failed).toEqual([]);
});

/** `/split_<name>-<hash>.wasm`. */
const chunk = (name) => new RegExp(`/split_${name}-[0-9a-f]{16}\\.wasm$`);

/** Waits until the piece's chunk has arrived and the piece (not its placeholder) is shown. */
async function pieceShown(page, fetched) {
  await fetched;
  await expect(page.locator("main#inhalt progress")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole("alert").filter({ hasText: "konnte nicht geladen werden" })).toHaveCount(0);
}

/** A promise of the response that brings the piece's chunk. */
const arrival = (page, name) => page.waitForResponse((res) => chunk(name).test(new URL(res.url()).pathname));

const DIRECTORY_PIECES = ["directory_editor", "directory_clarifications", "directory_bulk"];

test("the directory's grid comes without its pieces; form, clarifications and bulk edit come when opened", async ({ page }) => {
  const requests = watchRequests(page);
  await signIn(page, "klinik.personal");
  await openArea(page, "/arztverzeichnis", "Arztverzeichnis");
  await expect(page.getByTestId("physician-row").first()).toBeVisible();
  for (const piece of DIRECTORY_PIECES) expect(requests.count(chunk(piece)), piece).toBe(0);
  // The bulk edit panel: a line until something is selected, then its chunk.
  const panel = page.getByRole("region", { name: "Sammeländerung" });
  await expect(panel).toContainText("Wählen Sie in der Tabelle");
  let fetched = arrival(page, "directory_bulk");
  await page.getByTestId("physician-row").first().click();
  await pieceShown(page, fetched);
  await expect(page.getByTestId("bulk-panel")).toContainText("1 ausgewählt.");
  // Cleared again, the panel stays (its undo of the last change with it).
  await page.getByRole("button", { name: "Auswahl aufheben" }).click();
  await expect(page.getByTestId("bulk-panel")).toContainText("0 ausgewählt.");
  // The form, opened from the grid (in-app navigation), and the clarifications.
  fetched = arrival(page, "directory_editor");
  await page.getByRole("link", { name: "Ärztin/Arzt anlegen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ärztin/Arzt anlegen");
  await pieceShown(page, fetched);
  await expect(page.getByTestId("physician-form")).toBeVisible();
  fetched = arrival(page, "directory_clarifications");
  await openArea(page, "/arztverzeichnis/klaerungen", "Klärungen");
  await pieceShown(page, fetched);
  await expect(page.getByText("Hier stehen die Fälle")).toBeVisible();
  for (const piece of DIRECTORY_PIECES) expect(requests.count(chunk(piece)), piece).toBeGreaterThan(0);
  expect(requests.failed).toEqual([]);
});

test("the directory office lands on its page, a piece of the directory", async ({ page }) => {
  const requests = watchRequests(page);
  const fetched = arrival(page, "directory_clarifications");
  await signIn(page, "gs.sachbearbeitung");
  await expect(page).toHaveURL(/\/arztverzeichnis\/geschaeftsstelle$/);
  await pieceShown(page, fetched);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Geschäftsstelle Arztverzeichnis");
  expect(requests.count(chunk("directory"))).toBe(1);
  expect(requests.count(chunk("directory_editor"))).toBe(0);
  expect(requests.count(chunk("directory_bulk"))).toBe(0);
  expect(requests.failed).toEqual([]);
});

test("the audits' start page comes without its pieces; a case and the structure audits come when opened", async ({ page }) => {
  const requests = watchRequests(page);
  await signIn(page, "md.gutachter");
  await openArea(page, "/pruefverfahren", "Prüffälle");
  await expect(page.getByTestId("case").first()).toBeVisible();
  expect(requests.count(chunk("audits_case"))).toBe(0);
  expect(requests.count(chunk("audits_structure"))).toBe(0);
  // A case, opened from the list: the sub-menu stays, the case's chunk comes.
  let fetched = arrival(page, "audits_case");
  await page.getByTestId("case").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/pruefverfahren\/fall\/\d+$/);
  await expect(page.getByRole("navigation", { name: "Prüfverfahren" })).toBeVisible();
  await pieceShown(page, fetched);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Fall ");
  fetched = arrival(page, "audits_structure");
  await page.getByRole("navigation", { name: "Prüfverfahren" }).getByRole("link", { name: "Strukturprüfungen" }).click();
  await pieceShown(page, fetched);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Strukturprüfungen");
  // The inspections are in the same piece: nothing more to fetch.
  const before = requests.fetched.length;
  await page.getByRole("navigation", { name: "Prüfverfahren" }).getByRole("link", { name: "Begehungen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Begehungen");
  await expect(page.locator("main#inhalt progress")).toHaveCount(0);
  expect(requests.fetched.slice(before)).toEqual([]);
  expect(requests.count(chunk("audits_case"))).toBe(1);
  expect(requests.count(chunk("audits_structure"))).toBe(1);
  expect(requests.failed).toEqual([]);
});

test("the MD administrator lands on the registrations", async ({ page }) => {
  const requests = watchRequests(page);
  await signIn(page, "md.admin");
  await expect(page).toHaveURL(/\/verwaltung\/registrierungen$/);
  await expect(page.locator("main#inhalt progress")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole("heading", { level: 1 }).first()).toContainText("Registrierungen");
  expect(requests.count(/\/split_administration-[0-9a-f]{16}\.wasm$/)).toBe(1);
  expect(requests.failed).toEqual([]);
});

test("the care service's admin opens every care billing page; the crypto chunk stays unfetched", async ({ page }) => {
  const requests = watchRequests(page);
  await signIn(page, "pflege.admin");
  for (const [path, heading] of [
    ["/pflegeabrechnung", "Lieferungen"],
    ["/pflegeabrechnung/neu", "Neue Lieferung"],
    ["/pflegeabrechnung/einrichtung", "Einrichtung"],
    ["/pflegeabrechnung/personal", "Personal"],
    ["/pflegeabrechnung/schluessel", "Signaturschlüssel"],
  ]) {
    await openArea(page, path, heading);
  }
  expect(requests.count(/\/split_care_billing-[0-9a-f]{16}\.wasm$/)).toBeGreaterThan(0);
  // The PKCS#12 reader and CMS code come only when a key is imported or a delivery sealed.
  expect(requests.count(/\/split_care_seal-[0-9a-f]{16}\.wasm$/)).toBe(0);
  expect(requests.failed).toEqual([]);
});

test("while a chunk loads, the heading and a progress bar show at once", async ({ page }) => {
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route(/\/split_registration-[0-9a-f]{16}\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await openApp(page, "/");
  await page.locator('header a[href="/registrierung"]').first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Registrierung für das LE-Portal");
  await expect(page.getByRole("status")).toContainText("wird geladen");
  await expect(page.locator("main#inhalt progress")).toBeVisible();
  release();
  await expect(page.locator("main#inhalt progress")).toHaveCount(0);
  await expect(page.getByLabel("Name der Einrichtung")).toBeVisible();
});

// A failed chunk logs the loader's error on the console by design, so this test uses the plain
// fixture (the shared one fails on any console error) and checks that no panic happened.
base("a chunk that cannot be fetched shows a message with a reload button", async ({ page }) => {
  const panics = [];
  page.on("console", (msg) => {
    if (/panicked|unreachable/.test(msg.text())) panics.push(msg.text());
  });
  page.on("pageerror", (err) => panics.push(err.message));
  await page.route(/\/split_registration-[0-9a-f]{16}\.wasm$/, (route) => route.abort());
  await page.goto(`${process.env.LE_DEMO_BASE_URL}/registrierung`);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Dieser Bereich konnte nicht geladen werden.");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Registrierung für das LE-Portal");
  // Once the chunk can be fetched again, the reload button brings the area.
  await page.unroute(/\/split_registration-[0-9a-f]{16}\.wasm$/);
  await alert.getByRole("button", { name: "Seite neu laden" }).click();
  await expect(page.locator("main#inhalt progress")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole("alert").filter({ hasText: "konnte nicht geladen werden" })).toHaveCount(0);
  expect(panics).toEqual([]);
});

// The same for a piece inside a page: the bulk edit panel shows the message in its section.
base("a piece that cannot be fetched shows the message in its place", async ({ page }) => {
  base.setTimeout(90_000);
  const panics = [];
  page.on("console", (msg) => {
    if (/panicked|unreachable/.test(msg.text())) panics.push(msg.text());
  });
  page.on("pageerror", (err) => panics.push(err.message));
  await page.route(chunk("directory_bulk"), (route) => route.abort());
  await signIn(page, "klinik.admin");
  await page.goto(`${process.env.LE_DEMO_BASE_URL}/arztverzeichnis`);
  await page.getByTestId("physician-row").first().click();
  const panel = page.getByRole("region", { name: "Sammeländerung" });
  await expect(panel.getByRole("alert")).toContainText("Dieser Bereich konnte nicht geladen werden.");
  await expect(panel.getByRole("button", { name: "Seite neu laden" })).toBeVisible();
  // The grid above still works.
  await expect(page.getByTestId("selected-count")).toHaveText("1");
  expect(panics).toEqual([]);
});
