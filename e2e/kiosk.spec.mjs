// The demo kiosk on a touch phone (390 px): role tiles on the start screen, the real sign-in with
// the code set by one tap, the "Demo" banner, the idle reset that undoes a visitor's changes, a
// bulk edit on the 5,000-physician hospital and a test delivery being prepared. The kiosk server
// (global-setup.mjs) runs with --kiosk-idle-seconds 5, so the reset comes after 5 + 20 s.
import { test, expect, expectNoAxeViolations } from "./fixtures.mjs";

test.skip(!process.env.LE_KIOSK_BASE_URL, "needs the kiosk server (global-setup.mjs)");
test.use({
  baseURL: process.env.LE_KIOSK_BASE_URL,
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
});
test.describe.configure({ mode: "serial" });

async function startScreen(page) {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
}

/** Taps a role tile, sets the code shown on screen by one tap and signs in. */
async function tapRole(page, username) {
  await page.getByTestId(`kiosk-tile-${username}`).tap();
  await expect(page.getByTestId("kiosk-sign-in")).toBeVisible();
  await page.getByTestId("kiosk-code-fill").tap();
  await expect(page.getByLabel("Schritt 2: Code aus der Authenticator-App")).toHaveValue(/^\d{6}$/);
  await page.getByTestId("kiosk-submit").tap();
}

/** A visitor who keeps touching the screen (the idle time of this server is 5 s): a touch
 * every 2 s while a long step (5,000 rows) runs. */
async function keepTouching(page) {
  await page.evaluate(() => {
    window.__keepTouching = setInterval(() => window.dispatchEvent(new Event("pointerdown")), 2000);
  });
}

async function noSidewaysScrolling(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
}

test("MD auditor: a document request is gone after the idle reset", async ({ page }) => {
  test.setTimeout(150_000);
  await startScreen(page);
  await expect(page.locator('[data-testid^="kiosk-tile-"]')).toHaveCount(6);
  await expect(page.getByTestId("kiosk-banner")).toContainText("Demo");
  await noSidewaysScrolling(page);
  await expectNoAxeViolations(page);
  // Every tile is a touch target of at least 44 px.
  for (const box of await page.locator('[data-testid^="kiosk-tile-"]').evaluateAll((els) =>
    els.map((e) => e.getBoundingClientRect().height))) {
    expect(box).toBeGreaterThanOrEqual(44);
  }

  await tapRole(page, "md.gutachter");
  await expect(page).toHaveURL(/\/pruefverfahren$/);
  await noSidewaysScrolling(page);
  await expect(page.getByTestId("kiosk-banner")).toContainText("Gutachter/in (MD)");
  await expect(page.getByRole("button", { name: "Zurück zum Start" })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto("/pruefverfahren/faelle");
  const firstCase = page.getByTestId("case").first().getByRole("link").first();
  await firstCase.tap();
  await expect(page).toHaveURL(/\/pruefverfahren\/fall\/\d+$/);
  const caseId = new URL(page.url()).pathname.split("/").pop();
  const before = (await (await page.request.get(`/api/v1/audits/cases/${caseId}`)).json()).requests.length;
  await page.getByLabel("Entlassungsbericht / Arztbrief").check();
  await page.getByTestId("create-request").tap();
  await expect(page.getByTestId("request")).toHaveCount(before + 1);

  // Hands off: the countdown shows after the idle time, then the start screen is back.
  await expect(page.getByTestId("kiosk-countdown")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren", { timeout: 40_000 });
  await expect(page).toHaveURL(/\/$/);

  // The next visitor finds the case as seeded.
  await tapRole(page, "md.gutachter");
  await expect(page).toHaveURL(/\/pruefverfahren$/);
  const after = (await (await page.request.get(`/api/v1/audits/cases/${caseId}`)).json()).requests.length;
  expect(after).toBe(before);
  await page.getByRole("button", { name: "Zurück zum Start" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
});

test("a visit whose session is gone is still reset at the start", async ({ browser }) => {
  test.setTimeout(90_000);
  // A page of its own: with the session cookie gone the app's session check answers 401, which
  // Chromium logs as "Failed to load resource"; the fixture's page would count that as an error.
  // Panics still fail the test.
  const context = await browser.newContext({
    baseURL: process.env.LE_KIOSK_BASE_URL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: "de-DE",
  });
  const page = await context.newPage();
  const panics = [];
  page.on("pageerror", (err) => panics.push(err.message));
  try {
    await visitWithoutSession(page);
    expect(panics).toEqual([]);
  } finally {
    await context.close();
  }
});

async function visitWithoutSession(page) {
  await startScreen(page);
  await tapRole(page, "md.gutachter");
  await expect(page).toHaveURL(/\/pruefverfahren$/);
  // The visitor adds a document request (through the API, as the case page does).
  const csrf = (await (await page.request.get("/api/v1/auth/session")).json()).csrf_token;
  const caseId = (await (await page.request.get("/api/v1/audits/cases?state=open")).json()).cases[0].id;
  const requestsOf = async () => (await (await page.request.get(`/api/v1/audits/cases/${caseId}`)).json()).requests.length;
  const before = await requestsOf();
  const created = await page.request.post(`/api/v1/audits/cases/${caseId}/requests`, {
    headers: { "X-Requested-With": "le-portal", "X-CSRF-Token": csrf },
    data: { documents: ["discharge_letter"] },
  });
  expect(created.ok(), await created.text()).toBe(true);
  // The session is gone before the screen returns to the start (it expired while the tab slept,
  // the browser restarted): only the visit's cookie is left.
  await page.context().clearCookies({ name: "le_session" });
  await page.context().clearCookies({ name: "le-portal-angemeldet" });
  const visitMarker = async () => (await page.context().cookies()).some((c) => c.name === "le-portal-kiosk-besuch");
  expect(await visitMarker()).toBe(true);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
  // The start screen ends the open visit with a reset.
  await expect.poll(visitMarker, { timeout: 20_000 }).toBe(false);
  await tapRole(page, "md.gutachter");
  await expect(page).toHaveURL(/\/pruefverfahren$/);
  expect(await requestsOf()).toBe(before);
  await page.getByRole("button", { name: "Zurück zum Start" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
}

test("a touch cancels the countdown", async ({ page }) => {
  test.setTimeout(90_000);
  await startScreen(page);
  await tapRole(page, "klinik.controlling");
  await expect(page).toHaveURL(/\/pruefverfahren$/);
  await expect(page.getByTestId("kiosk-countdown")).toBeVisible({ timeout: 20_000 });
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Weiter ansehen" }).tap();
  await expect(page.getByTestId("kiosk-countdown")).toHaveCount(0);
  await expect(page).toHaveURL(/\/pruefverfahren$/);
  await page.getByRole("button", { name: "Zurück zum Start" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
});

test("hospital HR: bulk edit on the 5,000-physician hospital", async ({ page }) => {
  test.setTimeout(150_000);
  await startScreen(page);
  await tapRole(page, "klinik.personal");
  await expect(page).toHaveURL(/\/arztverzeichnis$/);
  await keepTouching(page);
  await expect(page.getByTestId("grid-counts")).toContainText("5000 von 5000 angezeigt", { timeout: 30_000 });
  await page.getByRole("button", { name: "Alle gefilterten auswählen" }).tap();
  await expect(page.getByTestId("selected-count")).toHaveText("5000");
  await page.getByLabel("Tätigkeit an Standort beenden zum …").check();
  await page.getByRole("button", { name: "Vorschau", exact: true }).tap();
  await expect(page.getByTestId("preview-counts")).toContainText("werden geändert");
  await page.getByRole("button", { name: "Übernehmen" }).tap();
  await expect(page.getByRole("status").filter({ hasText: /Übernommen: .* geändert/ })).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Zurück zum Start" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
});

test("care-service billing: a test delivery is sealed and uploaded", async ({ page }) => {
  test.setTimeout(90_000);
  await startScreen(page);
  await tapRole(page, "pflege.abrechnung");
  await expect(page).toHaveURL(/\/pflegeabrechnung$/);
  // The seeded history: three test deliveries, one answered with an error return.
  await expect(page.getByRole("link", { name: /TPFL0003/ })).toBeVisible();
  // The demo signing key, loaded into this browser with one tap.
  await page.goto("/pflegeabrechnung/schluessel");
  await keepTouching(page);
  await page.getByRole("button", { name: "Demo-Schlüssel in diesem Browser speichern" }).tap();
  await expect(page.getByTestId("key-status")).toContainText("Pflegedienst-Sonnenschein-Demo.p12");
  await expectNoAxeViolations(page);
  await page.goto("/pflegeabrechnung/neu");
  await keepTouching(page);
  await expect(page.getByLabel("Testverfahren (TPFL0)")).toBeChecked();
  await page.getByTestId("payload-file").setInputFiles({
    name: "abrechnung.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("UNA:+.? 'UNB+UNOC:3+460512349+109905003'"),
  });
  await page.getByLabel("Abrechnungsmonat (JJJJ-MM)").fill("2026-10");
  await expectNoAxeViolations(page);
  // Kind 01 needs the care worker's number of every line: the seeded staff member's.
  await page.getByLabel("LBNR Zeile 1").fill("100000017");
  await expect(page.getByText("✓ Anna Adler")).toBeVisible();
  // The password of the demo key is filled in for visitors: one tap seals and uploads.
  await expect(page.getByLabel("Passwort des Signaturschlüssels")).toHaveValue("Demo-Pflege-2026");
  await page.getByRole("button", { name: "Signieren, verschlüsseln und hochladen" }).tap();
  await page.waitForURL(/\/pflegeabrechnung\/lieferung\/\d+$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Lieferung TPFL0\d{3}$/);
  await expect(page.getByTestId("delivery-summary")).toContainText("2026-10");
  await page.getByRole("button", { name: "Zurück zum Start" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LE-Portal ausprobieren");
});
