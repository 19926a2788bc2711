// Signing in demo accounts (codes from the demo server's list, each time step used once) and a
// layout check shared by the journeys that run at desktop and phone width.
import { mkdir, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { expect, openApp } from "./fixtures.mjs";

/** Steps already spent per account (the server never accepts one time step twice). */
const used = new Set();

/** The demo account with a code that is still valid for a while and not spent yet. */
export async function freshAccount(page, username) {
  for (;;) {
    const accounts = await (await page.request.get("/api/v1/demo/accounts")).json();
    const account = accounts.find((a) => a.username === username);
    const key = `${username}:${account.code}`;
    if (account.code && account.code_valid_for >= 5 && !used.has(key)) {
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

/** Signs in a demo account and waits until the app has left the sign-in page. Journeys of
 * several workers (desktop and phone run in parallel) share the demo accounts: two workers that
 * fetch the same still-unused code at once would both send it, and the server takes it only
 * once. A lock per account across the workers' processes makes one wait until the other's code
 * is spent; the next list then offers the following step. */
export async function signIn(page, username) {
  const release = await lockAccount(username);
  try {
    await fillSignIn(page, await freshAccount(page, username));
    await page.waitForURL((u) => !u.pathname.startsWith("/anmelden"));
  } finally {
    await release();
  }
}

/** A directory per account next to the run's data directory (mkdir is atomic); a lock older
 * than a minute is left from a crashed worker and taken over. */
async function lockAccount(username) {
  const dir = join(`${process.env.LE_DATA_DIR}-signin-locks`, username);
  await mkdir(join(dir, ".."), { recursive: true });
  for (;;) {
    try {
      await mkdir(dir);
      return () => rmdir(dir).catch(() => {});
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const held = await stat(dir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (held > 60_000) await rmdir(dir).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
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

