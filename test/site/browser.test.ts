/**
 * The site in a real browser (Debian's chromium, headless, playwright-core): no page logs an error,
 * every internal link resolves, the checkout button reaches the (local) Checkout URL, the
 * request-access form stores a request and refuses bad input, every form field has a label, and no
 * page loads more than 200 KB of script (it loads none).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteFixture } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.skipIf(skip)("site in headless chromium", () => {
  let fx: Awaited<ReturnType<typeof siteFixture>>;
  let profile: string;
  let browser: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    fx = await siteFixture({ rateLimit: { capacity: 100, perMinute: 100 } });
    profile = mkdtempSync(join(tmpdir(), "foxml-chromium-site-"));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 390, height: 844 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await fx?.close();
  }, 120_000);

  async function open(path: string): Promise<{ page: Page; scriptBytes: number }> {
    const page = await browser.newPage();
    let scriptBytes = 0;
    page.on("console", (m) => problems.push(`${path}: console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`${path}: page error: ${e.message}`));
    page.on("response", async (r) => {
      if (r.request().resourceType() === "script") scriptBytes += (await r.body()).length;
    });
    const res = await page.goto(fx.url + path, { waitUntil: "load" });
    expect(res?.status(), path).toBe(200);
    return { page, scriptBytes };
  }

  it("every page loads cleanly, every internal link resolves, fields are labelled, no page ships script", async () => {
    const seen = new Set<string>();
    const queue = ["/"];
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const { page, scriptBytes } = await open(path);
      expect(scriptBytes, path).toBeLessThan(200 * 1024);
      const unlabelled = await page.$$eval("input:not([type=hidden]), select, textarea", (els) => els.filter((e) => !(e as any).labels?.length).map((e) => e.outerHTML));
      expect(unlabelled, path).toEqual([]);
      const links = await page.$$eval("a[href]", (as) => as.map((a) => (a as any).href));
      await page.close();
      for (const href of links) {
        const u = new URL(href);
        if (u.origin !== fx.url) continue;
        const target = u.pathname + u.search;
        if (u.pathname.endsWith(".html") || u.pathname === "/") queue.push(u.pathname);
        const r = await fetch(fx.url + target);
        expect(r.status, `${path} links to ${target}`).toBe(200);
        if (u.hash && u.pathname.endsWith(".html")) {
          const id = decodeURIComponent(u.hash.slice(1));
          expect(await r.text(), `${path} links to ${target}${u.hash}`).toMatch(new RegExp(`id="${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
        }
      }
    }
    expect(seen.size).toBeGreaterThan(15);
    expect(problems).toEqual([]);
  }, 300_000);

  it("the checkout button reaches the local Checkout URL", async () => {
    problems.length = 0;
    const { page } = await open("/pricing.html");
    await page.fill("#tier-pro input[name=email]", "buyer@example.com");
    await Promise.all([page.waitForURL(new RegExp(`^${fx.fake.origin}/pay/cs_test_`)), page.click('#tier-pro button[type=submit]')]);
    expect(await page.textContent("h1")).toContain("Pay FoxML");
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it("the request-access form stores a request and refuses bad input", async () => {
    problems.length = 0;
    const { page } = await open("/request-access.html");
    await page.fill("#name", "Grace");
    await page.fill("#email", "grace@example.com");
    await page.fill("#company", "Hopper Partners");
    await page.selectOption("#tier", "enterprise");
    await page.fill("#message", "A desk of five, intraday futures.");
    await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
    expect(await page.textContent("h1")).toBe("Thank you");
    expect(fx.server.store.accessRequests().some((r) => r.email === "grace@example.com")).toBe(true);
    // Bad input: the browser's own checks stop an empty form; a value it accepts but the server refuses gets a clear page.
    const again = (await open("/request-access.html")).page;
    await again.fill("#name", "Mallory");
    await again.fill("#email", "mallory@example");
    await again.fill("#message", "x");
    const [resp] = await Promise.all([again.waitForNavigation(), again.click("form.stack button[type=submit]")]);
    expect(resp?.status()).toBe(400);
    expect(await again.textContent("main")).toContain("valid email");
    expect(fx.server.store.accessRequests().some((r) => r.name === "Mallory")).toBe(false);
    await page.close();
    await again.close();
    expect(problems.filter((p) => !p.includes("status of 400"))).toEqual([]);
  }, 60_000);
});
