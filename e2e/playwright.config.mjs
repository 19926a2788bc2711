// Browser tests: Debian's Chromium (no browser download) against the real release server, which
// global-setup.mjs starts on a free port with a temporary data directory.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.mjs",
  globalSetup: "./global-setup.mjs",
  outputDir: "./test-results",
  fullyParallel: false,
  // One worker: several journeys sign in as the same MD administrator, and the server never
  // accepts one TOTP time step twice; parallel workers would race for the same step.
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    locale: "de-DE",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "off",
  },
  // Desktop runs every journey; the phone runs the journeys of new users and a visit of every
  // page (axe-core and no sideways scrolling) at 390 px, so CI time stays short.
  projects: [
    {
      name: "desktop",
      // The kiosk journey sets its own touch viewport: it runs in the phone project only.
      testIgnore: ["kiosk.spec.mjs"],
      use: { viewport: { width: 1280, height: 800 } },
    },
    {
      name: "phone",
      testMatch: ["usability.spec.mjs", "phone.spec.mjs", "kiosk.spec.mjs"],
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    },
  ],
});
