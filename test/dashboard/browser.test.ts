/**
 * The dashboard in a real browser (Debian's chromium, headless, playwright-core): every page loads
 * with no console message or page error, shows the figures the run folders hold, the compare page
 * shows the config difference and the deltas, and a running run's page follows it live.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardFixture, finishLiveRun, LIVE_ID } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.skipIf(skip)("dashboard in headless chromium", () => {
  let fx: Awaited<ReturnType<typeof dashboardFixture>>;
  let profile: string;
  let browser: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    fx = await dashboardFixture();
    profile = mkdtempSync(join(tmpdir(), "foxml-chromium-dash-"));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await fx?.cleanup();
  }, 120_000);

  async function open(path: string): Promise<Page> {
    problems.length = 0;
    const page = await browser.newPage();
    page.on("console", (m) => problems.push(`${path}: console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`${path}: page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`${path}: dialog ${d.message()}`);
      void d.dismiss();
    });
    // The live page's event stream is cut by its own reload: an aborted /progress request is expected.
    page.on("requestfailed", (r) => {
      if (!(r.url().endsWith("/progress") && r.failure()?.errorText === "net::ERR_ABORTED")) problems.push(`${path}: request failed ${r.url()} ${r.failure()?.errorText ?? ""}`);
    });
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`${path}: ${r.status()} for ${r.url()}`);
    });
    const res = await page.goto(fx.dash.url + path, { waitUntil: "load" });
    expect(res?.status(), path).toBe(200);
    return page;
  }

  it("lists the runs with their status, and filters them", async () => {
    const page = await open("/");
    const text = await page.innerText("main");
    for (const id of [fx.fixtureId, LIVE_ID, ...fx.compareIds]) expect(text).toContain(id);
    await page.fill("input[name=name]", "wider");
    await Promise.all([page.waitForNavigation(), page.click("form.filters button")]);
    const filtered = await page.innerText("main");
    expect(filtered).toContain(fx.compareIds[1]);
    expect(filtered).not.toContain(fx.compareIds[0]);
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows a run's stages, figures and charts from its folder, with hostile names escaped", async () => {
    const page = await open(`/runs/${fx.fixtureId}`);
    const summary = JSON.parse(readFileSync(join(fx.runsDir, fx.fixtureId, "summary.json"), "utf8"));
    const text = await page.innerText("main");
    for (const stage of Object.keys(summary.stages)) expect(text).toContain(stage);
    // The figures of the run folder: ranking skill, the best model's score, the confidence tier.
    const rankings = JSON.parse(readFileSync(join(fx.runsDir, fx.fixtureId, "target_rankings.json"), "utf8"));
    const best = rankings.rows?.[0] ?? rankings.targets?.[0];
    expect(text).toContain(best.target);
    expect(text).toContain(Number(best.skill).toFixed(3));
    const svgs = await page.$$eval("svg", (els) => els.map((e) => e.getBoundingClientRect().width));
    expect(svgs.length).toBeGreaterThan(3);
    expect(svgs.every((w) => w > 0)).toBe(true);
    expect(await page.$$("img")).toHaveLength(0); // the hostile <img> name is text, not an element
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("compares two runs: the config difference and the figure deltas", async () => {
    const page = await open("/");
    for (const id of fx.compareIds) await page.check(`input[value="${id}"]`);
    await Promise.all([page.waitForNavigation(), page.click("#compare button")]);
    const text = await page.innerText("main");
    expect(text).toContain("pipeline.leakage.purge_buffer_bars");
    expect(text).toContain("best_ic");
    expect(text).toMatch(/best_ic\s+0\.042\s+0\.05\s+\+0\.0080|best_ic\s+0\.05\s+0\.042\s+-0\.0080/); // the first run is the baseline
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("follows a running run live and shows its final status when it ends", async () => {
    const page = await open(`/runs/${LIVE_ID}`);
    expect(await page.innerText("#run-status")).toContain("running");
    await page.locator("#live-text", { hasText: "stages done" }).waitFor({ timeout: 30_000 });
    finishLiveRun(fx.runsDir);
    await page.locator("#run-status", { hasText: "succeeded" }).waitFor({ timeout: 30_000 });
    expect(await page.$("#live")).toBeNull();
    await page.close();
    expect(problems).toEqual([]);
  }, 90_000);
});
