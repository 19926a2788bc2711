// Journeys of the public number check: live feedback in wasm, the same verdict from the server,
// keyboard-only use, and accessibility scans.
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";

test("the app opens with its shell, navigation and contacts", async ({ page }) => {
  await openApp(page, "/");
  await expect(page).toHaveTitle("Startseite – LE-Portal");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Das Leistungserbringerportal");
  const nav = page.getByRole("navigation", { name: "Hauptnavigation" });
  for (const name of ["Startseite", "Nummernprüfung", "Prüfverfahren", "Arztverzeichnis", "Pflegeabrechnung"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  // A link at the foot of the page: the address bar follows and the new page starts at its top
  // (the app completes each navigation itself once the page is in place, src/app.rs).
  await page.setViewportSize({ width: 1280, height: 400 });
  const footerLink = page.getByRole("contentinfo").getByRole("link", { name: "Kontakt und Ansprechpartner" });
  await footerLink.scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await footerLink.click();
  await expect(page).toHaveURL(/\/kontakt$/);
  await expect(page.getByRole("link", { name: "mdportal@md-nordrhein.de" })).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  // Back and forward move through the pages visited, each with its title.
  await nav.getByRole("link", { name: "Nummernprüfung", exact: true }).click();
  await expect(page).toHaveURL(/\/nummernpruefung$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/kontakt$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page).toHaveTitle("Startseite – LE-Portal");
  await page.goForward();
  await expect(page).toHaveURL(/\/kontakt$/);
  await expect(page.getByRole("link", { name: "mdportal@md-nordrhein.de" })).toBeVisible();
});

test("a valid IK from seed 004 is valid in the browser and on the server", async ({ page }) => {
  await openApp(page, "/nummernpruefung");
  await page.getByLabel("Institutionskennzeichen (IK)").check();
  await page.getByLabel("Nummer", { exact: true }).fill("108405006");
  const local = page.getByTestId("local-result");
  await expect(local).toContainText("Gültig");
  await expect(local).toContainText("10 – Krankenkassen");
  await expect(local).toContainText("Prüfziffer (Stelle 9)");
  await page.getByRole("button", { name: "Vom Server prüfen lassen" }).click();
  await expect(page.getByTestId("server-result")).toHaveText(
    "Server: gültig. Browser und Server stimmen überein.",
  );
});

test("the same IK with one digit changed names the wrong check digit", async ({ page }) => {
  await openApp(page, "/nummernpruefung");
  await page.getByLabel("Institutionskennzeichen (IK)").check();
  const input = page.getByLabel("Nummer", { exact: true });
  await input.fill("108405106");
  const local = page.getByTestId("local-result");
  await expect(local).toContainText("Ungültig");
  await expect(local).toContainText("Prüfziffer ist 6, erwartet 8");
  await expect(input).toHaveAttribute("aria-invalid", "true");
  // The ninth box (the check digit) is the one marked.
  const boxes = page.getByTestId("digit-boxes").locator("span");
  await expect(boxes).toHaveCount(9);
  await expect(boxes.nth(8)).toHaveAttribute("data-wrong", "true");
  await expect(page.getByTestId("digit-boxes").locator('span[data-wrong="true"]')).toHaveCount(1);
  await page.getByRole("button", { name: "Vom Server prüfen lassen" }).click();
  await expect(page.getByTestId("server-result")).toContainText("Server: ungültig – Prüfziffer ist 6, erwartet 8");
  await expect(page.getByTestId("server-result")).toContainText("Browser und Server stimmen überein.");
});

test("feedback follows every keystroke, and a stale server answer disappears", async ({ page }) => {
  await openApp(page, "/nummernpruefung");
  await page.getByLabel("Arztnummer (ANR)").check();
  const input = page.getByLabel("Nummer", { exact: true });
  // While the digits are still coming, a neutral count instead of a red verdict.
  await input.pressSequentially("83838");
  await expect(page.getByTestId("local-result")).toHaveText("5 von 9 Ziffern eingegeben – noch 4 Ziffern.");
  await expect(input).toHaveAttribute("aria-invalid", "false");
  await input.pressSequentially("x");
  await expect(page.getByTestId("local-result")).toContainText("Stelle 6: „x“ ist keine Ziffer.");
  await input.press("Backspace");
  await input.pressSequentially("2202");
  await expect(page.getByTestId("local-result")).toContainText("Gültig");
  const button = page.getByRole("button", { name: "Vom Server prüfen lassen" });
  await button.click();
  await expect(page.getByTestId("server-result")).toContainText("stimmen überein");
  // The button keeps the focus while and after the server answers.
  await expect(button).toBeFocused();
  await input.focus();
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await expect(page.getByTestId("local-result")).toHaveText("8 von 9 Ziffern eingegeben – noch 1 Ziffer.");
  await expect(page.getByTestId("server-result")).toHaveText("");
});

test("a valid and an invalid ANR", async ({ page }) => {
  await openApp(page, "/nummernpruefung");
  await page.getByLabel("Arztnummer (ANR)").check();
  const input = page.getByLabel("Nummer", { exact: true });
  const local = page.getByTestId("local-result");
  await input.fill("838382202");
  await expect(local).toContainText("Gültig");
  await expect(local).toContainText("838382");
  await expect(local).toContainText("Fachgruppe (Stellen 8–9)");
  await input.fill("111136701");
  await expect(local).toContainText("Prüfziffer ist 7, erwartet 8");
  await page.getByRole("button", { name: "Vom Server prüfen lassen" }).click();
  await expect(page.getByTestId("server-result")).toContainText("Server: ungültig – Prüfziffer ist 7, erwartet 8");
  await expect(page.getByTestId("server-result")).toContainText("stimmen überein");
  await input.fill("444444401");
  await expect(local).toContainText("Pseudonummer Entlassmanagement");
});

test("keyboard only: navigate, choose the kind, type, ask the server", async ({ page }) => {
  await openApp(page, "/");
  // The first Tab reaches the skip link.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Zum Inhalt springen" })).toBeFocused();
  // Tab on to the navigation entry and follow it with Enter.
  const navLink = page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Nummernprüfung" });
  for (let i = 0; i < 10 && !(await navLink.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(navLink).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/nummernpruefung$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nummernprüfung");
  // Into the radio group (IK is preselected), arrow keys choose the kind.
  const ik = page.getByLabel("Institutionskennzeichen (IK)");
  for (let i = 0; i < 20 && !(await ik.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(ik).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByLabel("Arztnummer (ANR)")).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Nummer", { exact: true })).toBeFocused();
  await page.keyboard.type("754236701");
  await expect(page.getByTestId("local-result")).toContainText("Gültig");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("server-result")).toHaveText("Server: gültig. Browser und Server stimmen überein.");
});

test("every page passes an axe-core scan", async ({ page }) => {
  for (const path of ["/", "/kontakt", "/pflegeabrechnung", "/gibt-es-nicht"]) {
    await openApp(page, path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoAxeViolations(page);
  }
  await openApp(page, "/nummernpruefung");
  await expectNoAxeViolations(page);
  const input = page.getByLabel("Nummer", { exact: true });
  await input.fill("260326822");
  await expect(page.getByTestId("local-result")).toContainText("Gültig");
  await expectNoAxeViolations(page);
  await input.fill("260326823");
  await expect(page.getByTestId("local-result")).toContainText("Ungültig");
  await page.getByRole("button", { name: "Vom Server prüfen lassen" }).click();
  await expect(page.getByTestId("server-result")).toContainText("stimmen überein");
  await expectNoAxeViolations(page);
});
