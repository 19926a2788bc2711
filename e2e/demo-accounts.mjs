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

/** Signs in; another journey may have spent this step just before, then the next one is used. */
export async function signIn(page, username) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await fillSignIn(page, await freshAccount(page, username));
    const outcome = await Promise.race([
      page.waitForURL((u) => !u.pathname.startsWith("/anmelden")).then(() => "in"),
      page.getByRole("alert").filter({ hasText: /Code|Passwort/ }).waitFor().then(() => "refused"),
    ]);
    if (outcome === "in") return;
  }
  throw new Error(`could not sign in ${username}`);
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

