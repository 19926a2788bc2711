// Shared test fixtures: the server's address, a guard against console errors (CSP violations,
// panics), and an axe-core scan that must find nothing.
import { test as base, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const test = base.extend({
  baseURL: async ({}, use) => {
    await use(process.env.LE_BASE_URL);
  },
  page: async ({ page }, use) => {
    const problems = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    await use(page);
    expect(problems, "the page logged errors").toEqual([]);
  },
});

export { expect };

/** Runs axe-core (WCAG 2.x A/AA and best practices) on the current page; 0 violations expected. */
export async function expectNoAxeViolations(page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`);
  expect(summary).toEqual([]);
}

/** Waits until the wasm app has mounted (the main landmark exists). */
export async function openApp(page, path = "/") {
  await page.goto(path);
  await expect(page.locator("main#inhalt")).toBeVisible();
}
