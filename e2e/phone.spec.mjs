// Every page at the size it is used at (the phone project runs this at 390 px): axe-core finds
// nothing and the page never scrolls sideways. Public pages first, then those of a hospital
// administrator and of the MD. Needs the demo server (data on every page).
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";
import { expectNoHorizontalOverflow, signIn, signOut } from "./demo-accounts.mjs";

test.skip(!process.env.LE_DEMO_BASE_URL, "needs a demo server");
test.use({ baseURL: process.env.LE_DEMO_BASE_URL });
// Each sign-in may wait for the next time step of its account (up to 30 s).
test.describe.configure({ mode: "serial", timeout: 90_000 });

/** Opens `path`, waits for its first heading and checks layout and accessibility. */
async function visit(page, path) {
  await openApp(page, path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /wird geladen|werden geladen/i })).toHaveCount(0);
  await expectNoHorizontalOverflow(page);
  await expectNoAxeViolations(page);
}

test("public pages fit and pass axe", async ({ page }) => {
  for (const path of [
    "/",
    "/nummernpruefung",
    "/anmelden",
    "/registrierung",
    "/registrierung/status",
    "/kontakt",
    "/pflegeabrechnung",
    "/gibt-es-nicht",
  ]) {
    await test.step(path, () => visit(page, path));
  }
  // The start page's heading wraps within the page instead of running off it.
  await openApp(page, "/");
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toHaveText("Das Leistungserbringerportal");
  const box = await heading.boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize().width);
  expect(await heading.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);
});

test("pages of a hospital administrator fit and pass axe", async ({ page }) => {
  await signIn(page, "klinik.admin");
  for (const path of [
    "/konto",
    "/verwaltung/benutzer",
    "/verwaltung/protokoll",
    "/verwaltung/api-tokens",
    "/arztverzeichnis",
    "/arztverzeichnis/neu",
    "/arztverzeichnis/klaerungen",
    "/pruefverfahren",
    "/pruefverfahren/strukturpruefungen",
  ]) {
    await test.step(path, () => visit(page, path));
  }
  await openApp(page, "/arztverzeichnis");
  await page.getByTestId("physician-row").first().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ärztin/Arzt bearbeiten");
  await expectNoHorizontalOverflow(page);
  await expectNoAxeViolations(page);
  await signOut(page);
});

test("pages of the MD fit and pass axe", async ({ page }) => {
  await signIn(page, "md.admin");
  for (const path of ["/verwaltung/registrierungen", "/pruefverfahren/faelle", "/pruefverfahren/begehungen"]) {
    await test.step(path, () => visit(page, path));
  }
  await signOut(page);
});
