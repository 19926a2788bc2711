// API tokens for hospital systems against a demo server: the hospital's admin creates a token
// with the scope "audits", a machine request with `Authorization: Bearer` is accepted, and after
// revoking the token in the UI the same request is refused. Needs LE_DEMO_BASE_URL (a server
// started with --demo; LE_TOKENS_DEMO_URL overrides it for a manual run); skipped otherwise.
import { test, expect, expectNoAxeViolations } from "./fixtures.mjs";
import { signIn } from "./demo-accounts.mjs";

const DEMO = process.env.LE_TOKENS_DEMO_URL ?? process.env.LE_DEMO_BASE_URL;

test.skip(!DEMO, "needs a demo server");
test.use({ baseURL: DEMO });

// Each sign-in may wait for the next time step of its account (up to 30 s).
test.describe.configure({ timeout: 90_000 });

test("an API token is created, used by a machine client and revoked", async ({ page }) => {
  await signIn(page, "klinik.admin");
  await page.getByRole("link", { name: "API-Tokens" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/api-tokens$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("API-Tokens für Krankenhaussysteme");

  // Without a scope the form refuses.
  const name = `KIS Test ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Token anlegen" }).click();
  await expect(page.getByText("Bitte mindestens einen Zweck wählen.")).toBeVisible();

  await page.getByLabel(/Prüfverfahren/).check();
  await page.getByRole("button", { name: "Token anlegen" }).click();
  const field = page.getByTestId("new-token");
  await expect(field).toHaveValue(/^lep_/);
  const token = await field.inputValue();
  await expect(page.getByText("Der Token wird nur jetzt angezeigt.", { exact: false })).toBeVisible();
  const row = page.locator(`tr[data-token-name="${name}"]`);
  await expect(row).toContainText(token.slice(0, 10));
  await expectNoAxeViolations(page);

  const inbox = () =>
    page.request.get("/api/v1/audits/inbox", { headers: { Authorization: `Bearer ${token}` } });
  expect((await inbox()).status()).toBe(200);

  await row.getByRole("button", { name: /^Widerrufen/ }).click();
  await row.getByRole("button", { name: "Ja, widerrufen" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Der Token „${name}“ ist widerrufen.` })).toBeVisible();
  await expect(page.locator(`tr[data-token-name="${name}"]`)).toContainText("widerrufen am");
  expect((await inbox()).status()).toBe(401);
  await expectNoAxeViolations(page);
});
