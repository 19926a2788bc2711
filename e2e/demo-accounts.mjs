// Signing in demo accounts (codes from the demo server's list, each time step used once) and a
// layout check shared by the journeys that run at desktop and phone width.
import { expect, openApp } from "./fixtures.mjs";

/** Steps already spent per account (the server never accepts one time step twice). */
const used = new Set();

/** The demo account with a code that is still valid for a while and not spent yet. */
export async function freshAccount(page, username) {
  for (;;) {
    const accounts = await (await page.request.get("/api/v1/demo/accounts")).json();
    const account = accounts.find((a) => a.username === username);
    const key = `${username}:${account.code}`;
    if (account.code_valid_for >= 5 && !used.has(key)) {
      used.add(key);
      return account;
    }
    await page.waitForTimeout(1_000);
  }
}

export async function fillSignIn(page, { username, password, code }) {
  await openApp(page, "/anmelden");
  await page.getByLabel("Benutzername").fill(username);
  await page.getByLabel("Passwort", { exact: true }).fill(password);
  await page.getByLabel("Code aus der Authenticator-App oder Wiederherstellungscode").fill(code);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
}

/** Signs in a demo account and waits until the app has left the sign-in page. */
export async function signIn(page, username) {
  await fillSignIn(page, await freshAccount(page, username));
  await page.waitForURL((u) => !u.pathname.startsWith("/anmelden"));
}

export async function signOut(page) {
  await page.getByRole("banner").getByRole("button", { name: "Abmelden" }).click();
  await expect(page).toHaveURL(/\/anmelden/);
}

/** The page never scrolls sideways (phone and desktop). */
export async function expectNoHorizontalOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
}

