/**
 * `foxml leakage` on generated markets with planted leaks (renamed so that no exclusion pattern
 * gives them away: only the data can) and planted signals: the leaks must come out LEAK, the
 * library and the signals not, whichever way the target is given.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { buildPanel } from "../../src/data/panel.js";
import { generateMarket, writeMarket, MANIFEST_NAME, type GroundTruth, type LeakSpec } from "../../src/data/synth/index.js";
import { buildTarget } from "../../src/targets/index.js";

const LEAKS: LeakSpec[] = [
  { kind: "fwd_copy", name: "alpha_a", horizon: 1, noise: 0.1 },
  { kind: "future_close", name: "alpha_b", shift: 1 },
  { kind: "centered_ma", name: "alpha_c", window: 5 },
  { kind: "sign_agreement", name: "alpha_d", horizon: 1, agreement: 0.7 },
];
/** A few library features, the signals, the noise and the leaks: a quick scan. */
const SUBSET = "alpha_*,sig_*,noise_*,ret_1,mom_5,mom_20,vol_cc_20,rsi_14";
const DAILY = { interval: "1d" as const, medianSpacingMs: 86_400_000, explicit: true };

interface ScanJson {
  target: string;
  features: Array<{ name: string; verdict: string; checks: Array<{ name: string; value: unknown; threshold: unknown; passed: boolean }> }>;
}

let base: string;
let labelled: string;
let truth: GroundTruth;

async function leakage(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(["leakage", ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

let lastStderr = "";

/** The --json result; stderr may hold only warnings (what the JSON has no place for). */
async function scanJson(...argv: string[]): Promise<ScanJson> {
  const r = await leakage(...argv, "--json");
  lastStderr = r.stderr;
  for (const line of r.stderr.split("\n").filter((l) => l !== "")) expect(line).toMatch(/^warning: /);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ScanJson;
}

/** The features without the one figure that names the target (the rule on names containing it). */
function withoutTargetName(s: ScanJson): ScanJson["features"] {
  return s.features.map((f) => ({ ...f, checks: f.checks.map((c) => (c.name === "target_derived_name" ? { ...c, threshold: "<target>" } : c)) }));
}

function verdicts(s: ScanJson): Record<string, string> {
  return Object.fromEntries(s.features.map((f) => [f.name, f.verdict]));
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "foxml-leakage-cli-"));
  const config = { seed: 11, symbols: 24, bars: 420, signals: { plant: true }, leaks: { plant: true, features: LEAKS } };
  const market = generateMarket(config);
  base = (await writeMarket(market, join(dir, "base"))).dataPath;
  truth = JSON.parse(readFileSync(join(dir, "base", MANIFEST_NAME), "utf8")).truth as GroundTruth;

  // The same market with the 1-bar forward return as a user's label, twice: under a name of the
  // target grammar (classed as a target column) and under a name of its own (classed as a feature).
  const labels = generateMarket(config);
  const panel = buildPanel(labels.series, { alignment: "union", interval: DAILY });
  const y = buildTarget("fwd_ret_1").compute(panel);
  const row = new Map([...panel.times].map((t, i) => [t, i]));
  labels.series.forEach((s) => {
    const col = panel.symbols.indexOf(s.symbol);
    const v = Float64Array.from(s.ts, (t) => y[row.get(t)! * panel.S + col]);
    s.columns.set("fwd_ret_1", v);
    s.columns.set("my_label", Float64Array.from(v));
  });
  labelled = (await writeMarket(labels, join(dir, "labelled"))).dataPath;
}, 60_000);

describe("foxml leakage on planted leaks", () => {
  it("the manifest's leak columns are LEAK against the 1-bar return, the library and the signals are not", async () => {
    const s = await scanJson("--data", base, "--target", "fwd_ret_1");
    const v = verdicts(s);
    expect(truth.leaks.map((l) => l.name).sort()).toEqual(LEAKS.map((l) => l.name).sort());
    for (const l of truth.leaks) expect(v[l.name], l.name).toBe("LEAK");
    const others = s.features.filter((f) => !f.name.startsWith("alpha_"));
    expect(others.length).toBeGreaterThan(50);
    for (const f of others) expect(f.verdict, f.name).not.toBe("LEAK");
    // LEAK first: the table and the JSON share the severity order.
    expect(s.features.slice(0, 4).map((f) => f.name).sort()).toEqual(LEAKS.map((l) => l.name));
    // Purging by the label window alone leaves 420 bars room for the quick model's folds.
    expect(lastStderr).not.toMatch(/the quick model was not run/);
  }, 120_000);

  it("--json prints exactly one object of the promised shape", async () => {
    const r = await leakage("--data", base, "--target", "fwd_ret_5", "--features", SUBSET, "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.endsWith("}\n")).toBe(true);
    const s = JSON.parse(r.stdout) as ScanJson;
    expect(Object.keys(s)).toEqual(["target", "features"]);
    expect(s.target).toBe("fwd_ret_5");
    for (const f of s.features) {
      expect(Object.keys(f)).toEqual(["name", "verdict", "checks"]);
      expect(["LEAK", "SUSPICIOUS", "OK"]).toContain(f.verdict);
      expect(f.checks.length).toBeGreaterThan(3);
      for (const c of f.checks) {
        expect(Object.keys(c)).toEqual(["name", "value", "threshold", "passed"]);
        expect(typeof c.name).toBe("string");
        expect(typeof c.passed).toBe("boolean");
        for (const x of [c.value, c.threshold]) expect(x === null || typeof x === "number" || typeof x === "string").toBe(true);
      }
      // A verdict other than OK always has a failed check behind it, and OK none.
      expect(f.checks.some((c) => !c.passed)).toBe(f.verdict !== "OK");
    }
    // The future close and the forward copy read bar t+1: a 5-bar target still finds them.
    const v = verdicts(s);
    expect(v.alpha_a).toBe("LEAK");
    expect(v.alpha_b).toBe("LEAK");
    expect(v.sig_h5).not.toBe("LEAK");
  }, 120_000);

  it("--features keeps only the matching candidates", async () => {
    const s = await scanJson("--data", base, "--target", "fwd_ret_1", "--features", "alpha_a, noise_*", "--set", "pipeline.leakage.quick_model.enabled=false");
    expect(s.features.map((f) => f.name).sort()).toEqual(["alpha_a", "noise_1", "noise_2", "noise_3"]);
    expect(verdicts(s)).toMatchObject({ alpha_a: "LEAK", noise_1: "OK", noise_2: "OK", noise_3: "OK" });
    const copy = s.features.find((f) => f.name === "alpha_a")!.checks.find((c) => c.name === "target_copy")!;
    expect(copy.passed).toBe(false);
    expect(copy.value as number).toBeGreaterThan(0.95);
    expect(copy.threshold).toBe(0.95);
  }, 120_000);

  it("a column of the file as the target scans as the grammar target with the same values", async () => {
    const spec = await scanJson("--data", base, "--target", "fwd_ret_1", "--features", SUBSET);
    // my_label is the target here, so it is not its own candidate; fwd_ret_1 is a target column, never a feature.
    const mine = await scanJson("--data", labelled, "--target", "my_label", "--horizon", "1", "--features", SUBSET);
    expect(mine.target).toBe("my_label");
    expect(withoutTargetName(mine)).toEqual(withoutTargetName(spec));
    // The column named like a grammar target takes its horizon from the name; the other label
    // column, left among the candidates, is caught as a copy of it.
    const named = await scanJson("--data", labelled, "--target", "fwd_ret_1", "--features", `${SUBSET},my_label`);
    const copy = named.features.find((f) => f.name === "my_label")!;
    expect(copy.verdict).toBe("LEAK");
    expect(copy.checks.find((c) => c.name === "target_copy")).toMatchObject({ passed: false, value: 1 });
    expect(named.features.filter((f) => f.name !== "my_label")).toEqual(spec.features);
    expect(named.target).toBe("fwd_ret_1");
  }, 180_000);

  it("the same data, target and seed give the same JSON", async () => {
    const argv = ["--data", base, "--target", "fwd_ret_1", "--features", SUBSET, "--seed", "5", "--json"];
    const a = await leakage(...argv);
    const b = await leakage(...argv);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  }, 120_000);

  it("prints a table sorted by severity, within 100 columns", async () => {
    const r = await leakage("--data", base, "--target", "fwd_ret_1", "--features", SUBSET);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    const header = lines.findIndex((l) => l.startsWith("FEATURE"));
    expect(header).toBeGreaterThan(0);
    const rows: Array<{ name: string; verdict: string }> = [];
    for (const l of lines.slice(header + 1)) {
      if (l === "") break;
      const m = /^(\S+)\s+(LEAK|SUSPICIOUS|OK)\s/.exec(l);
      if (m !== null) rows.push({ name: m[1], verdict: m[2] });
    }
    expect(rows.length).toBe(14); // 4 leaks, 2 signals, 3 noise columns, 5 library features
    const rank = { LEAK: 0, SUSPICIOUS: 1, OK: 2 } as Record<string, number>;
    for (let i = 1; i < rows.length; i++) expect(rank[rows[i].verdict]).toBeGreaterThanOrEqual(rank[rows[i - 1].verdict]);
    expect(rows.filter((x) => x.verdict === "LEAK").map((x) => x.name).sort()).toEqual(LEAKS.map((l) => l.name));
    // The failed checks with their value and threshold, and why.
    expect(r.stdout).toMatch(/alpha_a\s+LEAK\s+(.*\n\s+)*target_copy 0\.9\d* vs 0\.95: \|/);
    expect(r.stdout).toContain("why:");
    expect(r.stdout).toContain("quick model:");
  }, 120_000);
});

describe("foxml leakage on bad input", () => {
  const bad: Array<[string, string[], RegExp]> = [
    ["an unknown target, with a suggestion", ["--target", "fwd_ret_l"], /--target fwd_ret_l: not a column of the data[\s\S]*hint: did you mean fwd_ret_1\?/],
    ["a price column as the target", ["--target", "close"], /"close" is the data's price\/volume column, not a label/],
    ["a feature pattern that matches nothing", ["--target", "fwd_ret_1", "--features", "alpah_*"], /--features alpah_\*: matches none of the \d+ candidate features/],
    ["a column target without a horizon", ["--target", "noise_1"], /its name does not say how many bars ahead/],
    ["a horizon for a grammar target", ["--target", "fwd_ret_5", "--horizon", "3"], /--horizon is for target columns/],
    ["a bad seed", ["--target", "fwd_ret_1", "--seed", "-3"], /--seed must be a whole number >= 0/],
    ["a bad horizon", ["--target", "noise_1", "--horizon", "0"], /--horizon must be a whole number >= 1/],
    ["a bad setting", ["--target", "fwd_ret_1", "--set", "pipeline.leakage.thresholds.target_correlation=2"], /target_correlation/],
  ];
  for (const [what, argv, message] of bad) {
    it(`${what}: exit 2 and a message ending with a newline`, async () => {
      const r = await leakage("--data", base, ...argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr.endsWith("\n")).toBe(true);
      expect(r.stderr.endsWith("\n\n")).toBe(false);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("a missing data path, a missing option: exit 2, messages ending with a newline", async () => {
    for (const argv of [["--data", "no/such/bars.csv", "--target", "fwd_ret_1"], ["--data", base], ["--target", "fwd_ret_1"]]) {
      const r = await leakage(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr.endsWith("\n")).toBe(true);
    }
    expect((await leakage("--data", "no/such/bars.csv", "--target", "fwd_ret_1")).stderr).toContain("no/such/bars.csv");
    expect((await leakage("--data", base)).stderr).toContain("--target");
  });

  it("--help lists the options and examples", async () => {
    const r = await leakage("--help");
    expect(r.code).toBe(0);
    for (const s of ["--data", "--target", "--features", "--json", "--horizon", "--seed", "Examples:"]) expect(r.stdout).toContain(s);
  });
});
