import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReportHtml, writeReport } from "../../src/report/index.js";
import { tempDir } from "../runs/helpers.js";
import { buildFixtureRun, HOSTILE, RUN_ID, TARGETS } from "./fixture.js";

const ESCAPED_HOSTILE = "&lt;img src=x onerror=alert(1)&gt;";

/**
 * Every way a page could reach outside itself. Attributes are looked for inside tags only (text
 * cannot hold a tag: '<' is escaped), so an escaped name like "<img src=x ...>" shown as text is not
 * mistaken for one; URLs, CSS imports and url() anywhere.
 */
export function externalReferences(page: string): string[] {
  const found: string[] = [];
  const tags = page.match(/<[^>]*>/g) ?? [];
  const inTags: RegExp[] = [
    /^<(script|link|iframe|object|embed|img|image|video|audio|source|base|form|meta\s+http-equiv)\b/i,
    /\b(src|href|xlink:href|action|poster|srcset|formaction|ping)\s*=\s*(?!["']?#)["']?[^\s"'>]*/i,
    /\bon[a-z]+\s*=/i,
  ];
  for (const tag of tags) for (const p of inTags) if (p.test(tag)) found.push(tag);
  for (const p of [/url\(\s*(?!["']?#)/gi, /@import/gi, /https?:\/\//gi, /javascript:/gi]) for (const m of page.matchAll(p)) found.push(m[0]);
  return found;
}

describe("externalReferences (the check the report tests rely on)", () => {
  it("finds scripts, links, images, remote URLs and handlers, and lets in-page anchors and escaped text pass", () => {
    const bad = ['<script src="x.js"></script>', '<link rel="stylesheet" href="s.css">', '<a href="https://example.org">', "<img src=x>", '<div style="background:url(pic.png)">', '<svg><use href="other.svg#a"/></svg>', '<p onclick="x()">', "<style>@import 'a.css';</style>"];
    for (const b of bad) expect(externalReferences(b), b).not.toEqual([]);
    expect(externalReferences(`<a href="#t-1">x</a><g clip-path="url(#c1-1)"></g><p>${ESCAPED_HOSTILE}</p>`)).toEqual([]);
  });
});

describe("report.html of a complete run (with hostile names in the data)", () => {
  let tmp: ReturnType<typeof tempDir>;
  let page: string;
  beforeAll(async () => {
    tmp = tempDir("foxml-report-html-");
    page = await buildReportHtml(buildFixtureRun(tmp.path, { hostile: true }));
  });
  afterAll(() => tmp.remove());

  it("has every section: header, headline, ranking, leakage, each target, failures, warnings, files", () => {
    for (const id of ["overview", "rankings", "leakage", "target-1", "target-2", "target-3", "target-4", "status", "warnings", "timing", "inputs"]) expect(page).toContain(`id="${id}"`);
    for (const heading of ["Overview", "Headline figures", "Stages", "Target ranking", "Leakage findings", "Confidence", "Feature selection", "Leakage gate", "Models", "IC over time", "AUC over time", "Backtests", "Failures and status", "Warnings and errors", "Files read"]) {
      expect(page).toContain(`>${heading}</h`);
    }
    expect(page.match(/<section class="target"/g)).toHaveLength(TARGETS.length + 1);
  });

  it("shows where the time went: wall and CPU per stage, its share of the run, jobs run and reused", () => {
    const section = page.slice(page.indexOf('<section id="timing">'), page.indexOf("</section>", page.indexOf('<section id="timing">')));
    expect(section).toContain(">Where the time went</h2>");
    const rows = [...section.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, ""))).filter((r) => r.length > 0);
    // one row per stage of summary.json, in order, then the total
    expect(rows.map((r) => r[0])).toEqual(["data", "features", "targets", "leakage", "ranking", "selection", "training", "ensembling", "evaluation", "all stages"]);
    const training = rows.find((r) => r[0] === "training")!;
    // 71.3 s wall, 128.34 s CPU (1.8 cores), 44.1% of the run's 161.5 s, 3 jobs run, none reused
    expect(training.slice(4)).toEqual(["1 m 11 s", "2 m 08 s", "1.80", "44.1%", "3", "0"]);
    const total = rows[rows.length - 1];
    expect(total[4]).toBe("2 m 41 s");
  });

  it("shows the run's identity, data range, seed, config hash and durations", () => {
    expect(page).toContain(RUN_ID);
    expect(page).toContain("<dt>Seed</dt><dd>42</dd>");
    expect(page).toContain("9f3c2a7b41d08e6f");
    expect(page).toContain("<dt>Data range</dt><dd>2016-01-04..2025-12-31</dd>");
    expect(page).toContain("<dt>Duration</dt><dd>2 m 42 s</dd>");
    expect(page).toContain("1 m 11 s");
  });

  it("shows confidence tiers with reasons, backtests with the deflated Sharpe, failures and warnings", () => {
    expect(page).toContain("stable in 82% of folds and symbols (high needs &gt;= 75%)");
    expect(page).toContain("Deflated Sharpe");
    expect(page).toContain("counts 42 trial(s)");
    expect(page).toContain("What failed and why");
    expect(page).toContain("ridge cannot fit a binary target; use logistic");
    expect(page).toContain("hyperparameter search pruned most trials");
    expect(page).toContain("lightgbm could not fit: too few positive labels in fold 2");
    expect(page).toContain("Not selected, trained or evaluated");
  });

  it("draws the charts inline: ranking, leakage, and per trained target consensus, agreement, IC, equity, drawdown", () => {
    const svgs = page.match(/<svg\b[^>]*>/g) ?? [];
    expect(svgs).toHaveLength(2 + TARGETS.length * 5);
    expect(svgs.every((s) => s.includes('role="img"'))).toBe(true);
    const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("escapes names from the data everywhere", () => {
    expect(page).not.toContain("<img");
    expect(page).not.toMatch(/onerror=alert\(1\)>/);
    // In the title, the header, the tables (feature, symbol, dropped target, warning) and the charts.
    expect(page.split(ESCAPED_HOSTILE).length - 1).toBeGreaterThan(8);
    expect(page).toContain(`<title>FoxML report: momentum ${ESCAPED_HOSTILE} (${RUN_ID})</title>`);
  });

  it("references nothing outside itself, and its in-page links all land", () => {
    expect(externalReferences(page)).toEqual([]);
    const targets = [...page.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(5);
    for (const t of targets) expect(page).toContain(`id="${t}"`);
  });

  it("is the same page on every build, in any time zone, and stays small", async () => {
    const before = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      expect(new Date(Date.UTC(2021, 0, 4)).getHours()).not.toBe(0);
      expect(await buildReportHtml(tmp.path)).toBe(page);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
    expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
  });
});

describe("report.html of partial and failed runs", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir("foxml-report-partial-");
  });
  afterAll(() => tmp.remove());

  it("says what is not available and why, for a run that failed in ranking", async () => {
    const dir = buildFixtureRun(join(tmp.path, "failed"), {
      status: "failed",
      omit: ["target_rankings.json", "target_confidence.json", "model_family_status.json", "selection", "training", "evaluation"],
    });
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    for (const later of ["selection", "training", "ensembling", "evaluation"]) delete summary.stages[later];
    summary.stages.ranking = { ...summary.stages.ranking, status: "failed", outcome: null, errors: [{ type: "FoxmlError", message: "no target has enough history for 5 folds" }] };
    summary.errors = [{ type: "FoxmlError", message: "no target has enough history for 5 folds", hint: "shorten pipeline.ranking.folds" }];
    writeFileSync(join(dir, "summary.json"), JSON.stringify(summary));

    const page = await buildReportHtml(dir);
    expect(page).toContain("Target ranking: not available.");
    expect(page).toContain("<code>target_rankings.json</code> is missing from the run folder. The ranking stage failed: FoxmlError: no target has enough history for 5 folds.");
    expect(page).toContain("Feature selection: not available.");
    expect(page).toContain("The selection stage did not run (the run failed before it).");
    expect(page).toContain("Per-job status: not available.");
    expect(page).toContain("Errors that ended the run");
    expect(page).toContain("shorten pipeline.ranking.folds");
    // The leakage stage did finish: its findings are still drawn.
    expect(page).toContain('aria-label="Leakage findings');
    expect(page).toContain(">failed</span>");
    expect(externalReferences(page)).toEqual([]);
  });

  it("notes one missing evaluation file and still draws the rest of that target", async () => {
    // The other targets' selection and evaluation are left out too, only to keep the test fast.
    const dir = buildFixtureRun(join(tmp.path, "one-missing"), { omit: ["evaluation", "selection/fwd_ret_5", "selection/fwd_up_10"] });
    const page = await buildReportHtml(dir);
    expect(page).toContain("Model evaluation: not available.");
    expect(page).toContain("<code>evaluation/fwd_ret_20.json</code> is missing from the run folder. The evaluation stage finished without writing it for this target.");
    expect(page).toContain("Equity and drawdown curves: not available.");
    expect(page.match(/aria-label="Feature-importance consensus for target fwd_ret_20"/g)).toHaveLength(1);
  });

  it("builds a report from a folder with only a manifest", async () => {
    const dir = buildFixtureRun(join(tmp.path, "bare"), {
      omit: ["summary.json", "target_rankings.json", "target_confidence.json", "model_family_status.json", "leakage_report.json", "leakage", "selection", "training", "evaluation"],
    });
    const page = await buildReportHtml(dir);
    expect(page).toContain("Stage timeline: not available.");
    expect(page).toContain("summary.json is missing as well, so the run&#39;s progress is unknown.");
    expect(page).toContain("Leakage findings: not available.");
    expect(page).not.toContain("<svg");
  });

  it("writes report.html atomically into the run folder, or to --out", async () => {
    const dir = buildFixtureRun(join(tmp.path, "write"), { omit: ["selection", "evaluation", "training"] });
    const path = await writeReport(dir);
    expect(path).toBe(join(dir, "report.html"));
    expect(readFileSync(path, "utf8")).toBe(await buildReportHtml(dir));
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const other = join(tmp.path, "elsewhere", "r.html");
    expect(await writeReport(dir, other)).toBe(other);
    expect(existsSync(other)).toBe(true);
  });
});
