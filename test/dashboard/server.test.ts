import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFound, runFile, runFolder } from "../../src/dashboard/paths.js";
import { dashboardFixture } from "./helpers.js";

describe("dashboard server", () => {
  let fx: Awaited<ReturnType<typeof dashboardFixture>>;
  beforeAll(async () => {
    fx = await dashboardFixture();
  }, 60_000);
  afterAll(async () => fx?.cleanup());

  const get = (path: string, init?: RequestInit) => fetch(fx.dash.url + path, { redirect: "manual", ...init });

  it("binds to 127.0.0.1 and sends a strict content security policy", async () => {
    expect(fx.dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await get("/");
    expect(r.status).toBe(200);
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await r.text()).not.toMatch(/<script>(?!<\/script>)/);
  });

  it("is read-only", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const r = await get("/", { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get("allow")).toBe("GET, HEAD");
    }
  });

  it("serves a run folder's files byte for byte and nothing outside the runs folder", async () => {
    const r = await get(`/runs/${fx.fixtureId}/files/summary.json`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(readFileSync(join(fx.runsDir, fx.fixtureId, "summary.json"), "utf8"));
    // A secret next to the runs folder, and a symlink inside a run pointing at it.
    writeFileSync(join(fx.runsDir, "..", "secret.txt"), "top secret");
    symlinkSync(join(fx.runsDir, "..", "secret.txt"), join(fx.runsDir, fx.fixtureId, "link.txt"));
    mkdirSync(join(fx.runsDir, "..", "outside-run"), { recursive: true });
    writeFileSync(join(fx.runsDir, "..", "outside-run", "summary.json"), "{}");
    const attempts = [
      `/runs/${fx.fixtureId}/files/..%2F..%2Fsecret.txt`,
      `/runs/${fx.fixtureId}/files/../../secret.txt`,
      `/runs/${fx.fixtureId}/files/%2e%2e/%2e%2e/secret.txt`,
      `/runs/${fx.fixtureId}/files/link.txt`,
      `/runs/${fx.fixtureId}/files/%2Fetc%2Fpasswd`,
      `/runs/${fx.fixtureId}/files/summary.json%00.txt`,
      `/runs/..%2Foutside-run/files/summary.json`,
      `/runs/%2e%2e/files/secret.txt`,
      `/runs/${fx.fixtureId}/files/evaluation`,
      `/api/runs/..%2Foutside-run/progress`,
    ];
    for (const a of attempts) {
      const res = await get(a);
      expect([400, 404], a).toContain(res.status);
      expect(await res.text(), a).not.toContain("top secret");
    }
    expect(() => runFile(fx.runsDir, fx.fixtureId, "link.txt")).toThrow(NotFound);
    expect(() => runFolder(fx.runsDir, "..")).toThrow(NotFound);
    expect(() => runFile(fx.runsDir, fx.fixtureId, "a/../../secret.txt")).toThrow(NotFound);
  });

  it("answers bad filters and unknown runs with a page, not a stack trace", async () => {
    const bad = await get("/?status=exploded");
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain("unknown status");
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect((await get("/runs/20991231T000000Z-nope")).status).toBe(404);
    expect((await get("/no/such/page")).status).toBe(404);
  });

  it("lists, filters and details runs as JSON from the registry", async () => {
    const all = (await (await get("/api/runs")).json()) as { runs: { id: string }[] };
    expect(all.runs.map((r) => r.id)).toEqual(expect.arrayContaining([fx.fixtureId, ...fx.compareIds]));
    const wider = (await (await get("/api/runs?name=wider")).json()) as { runs: { id: string }[] };
    expect(wider.runs.map((r) => r.id)).toEqual([fx.compareIds[1]]);
    const running = (await (await get("/api/runs?status=running")).json()) as { runs: { id: string }[] };
    expect(running.runs.map((r) => r.id)).toEqual(["20261130T090000Z-live"]);
  });
});

describe("foxml serve", () => {
  it("starts on 127.0.0.1, serves the runs folder, and stops cleanly on SIGTERM", async () => {
    const fx = await dashboardFixture();
    try {
      const { spawn } = await import("node:child_process");
      const bin = new URL("../../bin/foxml.js", import.meta.url).pathname;
      const child = spawn(process.execPath, [bin, "serve", "--runs-dir", fx.runsDir, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          out += String(d);
          const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      const page = await (await fetch(url + "/")).text();
      expect(page).toContain(fx.fixtureId);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      await fx.cleanup();
    }
  }, 60_000);

  it("refuses a bad port and a missing runs folder with a clear message", async () => {
    const { main } = await import("../../src/cli/main.js");
    const { captureIo } = await import("../../src/cli/io.js");
    const io = captureIo();
    expect(await main(["serve", "--port", "http"], io)).toBe(2);
    expect(io.stderr).toContain('invalid --port "http"');
    const io2 = captureIo();
    expect(await main(["serve", "--runs-dir", "/no/such/runs", "--port", "0"], io2)).toBe(2);
    expect(io2.stderr).toContain("/no/such/runs does not exist");
  });
});
