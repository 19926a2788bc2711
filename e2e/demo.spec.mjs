// Demo (kiosk) mode: the sign-in page lists the seeded accounts with their current codes; one
// click fills the form. Outside demo mode nothing of it shows.
import { test, expect, expectNoAxeViolations } from "./fixtures.mjs";

test("kiosk visitors sign in with a listed demo account", async ({ page }) => {
  await page.goto(`${process.env.LE_DEMO_BASE_URL}/anmelden`);
  const list = page.getByTestId("demo-accounts");
  await expect(list).toBeVisible();
  await expect(list).toContainText("klinik.admin");
  await expect(list).toContainText("Klinikum Leineufer Hannover (Demo)");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "klinik.admin übernehmen" }).click();
  await expect(page.getByLabel("Benutzername")).toHaveValue("klinik.admin");
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await expect(page.getByTestId("signed-in-user")).toContainText("Erika Mustermann");
});

test("without demo mode the sign-in page lists no accounts", async ({ page }) => {
  await page.goto("/anmelden");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anmelden");
  await expect(page.getByTestId("demo-accounts")).toHaveCount(0);
});
