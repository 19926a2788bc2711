// Audit deadlines by the Berlin calendar, seen from browsers in other time zones: the MD's
// request form starts with the server's Berlin day (not the visitor's), the request it sends is
// accepted, and MD and hospital see the same days left as the server computes. Two zones far
// from Berlin (UTC+14 and UTC−11) so that at any hour of the day at least one of them is on
// another calendar day than Berlin. Per-document states and a declared unavailable document on
// the hospital's request page; axe-core on the pages.
import { test, expect, expectNoAxeViolations, openApp } from "./fixtures.mjs";
import { signIn } from "./demo-accounts.mjs";

const ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago"];

/** ISO date of "now" in a time zone. */
function isoIn(zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

/** "TT.MM.JJJJ" of an ISO date. */
const german = (iso) => iso.split("-").reverse().join(".");

for (const zone of ZONES) {
  test(`a browser in ${zone} shows the server's Berlin day and days left`, async ({ browser }) => {
    test.setTimeout(180_000);
    const baseURL = process.env.LE_DEMO_BASE_URL;
    const context = await browser.newContext({ baseURL, locale: "de-DE", timezoneId: zone });
    const md = await context.newPage();
    const problems = [];
    md.on("pageerror", (err) => problems.push(err.message));
    expect(await md.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(zone);

    await signIn(md, "md.gutachter");
    const dashboard = await (await md.request.get("/api/v1/audits/dashboard")).json();
    const berlinToday = dashboard.today;
    expect(berlinToday).toBe(isoIn("Europe/Berlin"));

    // The MD's request form starts with the Berlin day.
    const cases = await (await md.request.get("/api/v1/audits/cases?state=open")).json();
    const caseId = cases.cases[0].id;
    await openApp(md, `/pruefverfahren/fall/${caseId}`);
    await expect(md.getByLabel("Eingang beim Krankenhaus")).toHaveValue(berlinToday);
    await expect(md.getByLabel("Frist in Wochen")).toHaveValue("8");
    // Shorter than the statutory 8 weeks is refused in the browser, with the domain's message.
    await md.getByLabel("Frist in Wochen").fill("4");
    await md.getByLabel("Laborbefunde").check();
    await md.getByLabel("Medikationsplan").check();
    await md.getByRole("button", { name: "Anforderung senden" }).click();
    await expect(md.locator("#deadline_weeks-fehler")).toContainText("mindestens 8 Wochen");
    await md.getByLabel("Frist in Wochen").fill("8");
    const before = (await (await md.request.get(`/api/v1/audits/cases/${caseId}`)).json()).requests.length;
    await md.getByRole("button", { name: "Anforderung senden" }).click();
    await expect(md.getByTestId("request")).toHaveCount(before + 1);
    const detail = await (await md.request.get(`/api/v1/audits/cases/${caseId}`)).json();
    const request = detail.requests.reduce((a, b) => (a.id > b.id ? a : b));
    expect(request.received_date).toBe(berlinToday);
    const entry = md.getByTestId("request").filter({ hasText: `Anforderung ${request.id} ` });
    await expect(entry).toContainText(request.deadline.days_left_text);
    await expect(entry).toContainText(german(request.deadline.due));
    await expect(entry.getByTestId("document-state")).toHaveCount(2);
    await expectNoAxeViolations(md);

    // The hospital, in the same zone, sees the same days left and tracks each document.
    // A context of its own (the MD's session cookie lives in the first), in the same zone.
    const hospitalContext = await browser.newContext({ baseURL, locale: "de-DE", timezoneId: zone });
    const hospital = await hospitalContext.newPage();
    hospital.on("pageerror", (err) => problems.push(err.message));
    await signIn(hospital, "klinik.controlling");
    const inbox = await (await hospital.request.get("/api/v1/audits/inbox")).json();
    const item = inbox.requests.find((r) => r.request_id === request.id);
    expect(item.deadline.days_left).toBe(request.deadline.days_left);
    await openApp(hospital, "/pruefverfahren");
    const row = hospital.getByTestId("inbox-item").filter({ hasText: `Aufnahme ${item.admission_number}` }).filter({ hasText: "Laborbefunde" });
    await expect(row.first()).toContainText(item.deadline.days_left_text);
    await expect(row.first().getByTestId("outstanding")).toContainText("2 Unterlagen ausstehend");
    await expectNoAxeViolations(hospital);

    await openApp(hospital, `/pruefverfahren/anforderung/${request.id}`);
    const states = hospital.getByTestId("document-state");
    await expect(states).toHaveCount(2);
    await expect(states.filter({ hasText: "Laborbefunde" })).toHaveAttribute("data-state", "outstanding");
    // Upload for one document, declare the other unavailable, submit: complete.
    await hospital.getByLabel("Die Dateien gehören zu").selectOption("lab_results");
    await hospital.getByLabel("PDF-Dateien auswählen").setInputFiles([
      {
        name: "labor.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
      },
    ]);
    await expect(hospital.getByTestId("file-row")).toHaveCount(1);
    const declare = hospital.getByTestId("declare-unavailable");
    await declare.getByLabel("Unterlage").selectOption("medication_chart");
    await declare.getByRole("button", { name: "Als nicht vorhanden erklären" }).click();
    await expect(declare.getByRole("alert")).not.toBeEmpty();
    await declare.getByLabel("Begründung").fill("Kein Medikationsplan geführt (keine Dauermedikation)");
    await declare.getByRole("button", { name: "Als nicht vorhanden erklären" }).click();
    await expect(states.filter({ hasText: "Medikationsplan" })).toHaveAttribute("data-state", "unavailable");
    await expect(states.filter({ hasText: "Medikationsplan" })).toContainText("Kein Medikationsplan geführt");
    await expectNoAxeViolations(hospital);
    await hospital.getByRole("button", { name: "Lieferung absenden" }).click();
    await expect(hospital).toHaveURL(/\/pruefverfahren\/quittung\/\d+$/);
    const receipt = hospital.getByTestId("receipt");
    await expect(receipt.getByTestId("lateness")).toContainText("fristgerecht");
    await expect(receipt.getByTestId("document-state").filter({ hasText: "Laborbefunde" })).toHaveAttribute("data-state", "delivered");
    const pdfLink = hospital.getByTestId("receipt-pdf");
    const pdf = await hospital.request.get(await pdfLink.getAttribute("href"));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await expectNoAxeViolations(hospital);

    expect(problems).toEqual([]);
    await hospitalContext.close();
    await context.close();
  });
}
