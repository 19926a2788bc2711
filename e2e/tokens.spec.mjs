// API tokens for hospital systems against a demo server: the hospital's admin creates a token
// with the scope "audits", a machine request with `Authorization: Bearer` is accepted, and after
// revoking the token in the UI the same request is refused. Needs LE_DEMO_BASE_URL (a server
// started with --demo; LE_TOKENS_DEMO_URL overrides it for a manual run); skipped otherwise.
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";

const DEMO = process.env.LE_TOKENS_DEMO_URL ?? process.env.LE_DEMO_BASE_URL;

test.skip(!DEMO, "needs a demo server");
test.use({ baseURL: DEMO });

/** Signs in a demo account with a code that stays valid long enough (as in directory.spec.mjs). */
async function signIn(page, username) {
  let account;
  for (;;) {
    const accounts = await (await page.request.get("/api/v1/demo/accounts")).json();
    account = accounts.find((a) => a.username === username);
    if (account.code_valid_for >= 4) break;
    await page.waitForTimeout(1_000);
  }
  await openApp(page, "/anmelden");
  await page.getByLabel("Benutzername").fill(account.username);
  await page.getByLabel("Passwort", { exact: true }).fill(account.password);
  await page.getByLabel("Code aus der Authenticator-App oder Wiederherstellungscode").fill(account.code);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/anmelden"));
}

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
