/**
 * The report drawn by a real browser: Debian's chromium, headless, driven by playwright-core. It
 * must load from a file with no network at all, log nothing to the console, raise no page error,
 * and lay out every chart with a non-zero size. Skipped only on a machine without chromium outside
 * CI; in CI (.ci/run installs chromium) it always runs.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/index.js";
import { tempDir } from "../runs/helpers.js";
import { buildFixtureRun, TARGETS } from "./fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;

// Flags for a closed network and a root user: no sandbox, no background traffic that would be refused.
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.skipIf(skip)("report.html in headless chromium", () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: string;
  let browser: BrowserContext;
  let reportPath: string;

  beforeAll(async () => {
    tmp = tempDir("foxml-report-browser-");
    reportPath = await writeReport(buildFixtureRun(join(tmp.path, "run"), { hostile: true }));
    // A fresh profile per run: chromium refuses to share one, and an old one could hold state.
    profile = mkdtempSync(join(tmpdir(), "foxml-chromium-"));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, offline: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    tmp?.remove();
  });

  it("loads offline with no console message, page error, dialog or request, and draws every chart", async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => messages.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => messages.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      messages.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfailed", (r) => messages.push(`request failed: ${r.url()}`));

    const url = pathToFileURL(reportPath).href;
    const started = performance.now();
    await page.goto(url, { waitUntil: "load" });
    const boxes = await page.$$eval("svg", (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { width: r.width, height: r.height, drawn: el.querySelectorAll("path, rect, line, text").length };
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    expect(messages).toEqual([]);
    expect(requests).toEqual([url]);
    expect(boxes).toHaveLength(2 + TARGETS.length * 5);
    for (const b of boxes) {
      expect(b.width).toBeGreaterThan(50);
      expect(b.height).toBeGreaterThan(30);
      expect(b.drawn).toBeGreaterThan(5);
    }
    // The hostile name is text on the page, not an element.
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.getByText("<img src=x onerror=alert(1)>").count()).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
    await page.close();
  });
});
