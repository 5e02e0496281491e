/**
 * Known answers from the synthetic market: planted leaks must be judged LEAK, planted signals and
 * pure noise must not. The leaks are renamed so that no exclusion pattern matches them: only the
 * data can give them away. The quick model is off here (see gate.test.ts for the whole loop), so
 * every verdict below comes from the rules and the pre-scan.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { FeatureSet } from "../../src/features/index.js";
import { detectRound, type FeatureResult, type RoundResult } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { features, LEAK_NAMES, leakageConfig, NEUTRAL_LEAKS, NOISE, SIGNALS, syntheticPanel } from "./helpers.js";
import type { Panel } from "../../src/data/types.js";
import type { GroundTruth } from "../../src/data/synth/index.js";

const cfg = leakageConfig({ quick_model: { enabled: false } });
const STANDARD = ["ret_1", "mom_5", "mom_20", "vol_cc_20", "rsi_14", "dist_sma_20", "range_hl", "volume_z_20"];

let panel: Panel;
let truth: GroundTruth;
let fs: FeatureSet;
let h1: RoundResult;
let h5: RoundResult;

beforeAll(async () => {
  const synth = syntheticPanel({ signals: { plant: true }, leaks: { plant: true, features: NEUTRAL_LEAKS } });
  panel = synth.panel;
  truth = synth.market.truth;
  fs = features(panel, { include: [...SIGNALS, ...NOISE, ...LEAK_NAMES, ...STANDARD] });
  h1 = await detectRound({ panel, features: fs, target: buildTarget("fwd_ret_1"), leakage: cfg, seed: 1 });
  h5 = await detectRound({ panel, features: fs, target: buildTarget("fwd_ret_5"), leakage: cfg, seed: 1 });
});

function feature(r: RoundResult, name: string): FeatureResult {
  const f = r.features.find((x) => x.name === name);
  if (!f) throw new Error(`no feature ${name}`);
  return f;
}

function check(r: RoundResult, name: string, check: string) {
  const c = feature(r, name).checks.find((x) => x.check === check);
  if (!c) throw new Error(`no check ${check} for ${name}`);
  return c;
}

describe("planted leaks against the 1-bar forward return (the horizon they leak)", () => {
  it("judges every planted leak LEAK and nothing else", () => {
    expect(h1.leak).toEqual(LEAK_NAMES);
    for (const name of [...SIGNALS, ...NOISE, ...STANDARD]) expect(feature(h1, name).verdict, name).not.toBe("LEAK");
  });

  it("finds the forward-return copy as a near copy of the target", () => {
    const c = check(h1, "alpha_a", "target_copy");
    expect(c.verdict).toBe("LEAK");
    expect(c.evidence.value as number).toBeGreaterThan(0.98);
    expect(c.evidence.threshold).toBe(0.95);
  });

  it("reads the future close as a price: relative to the bar's close it is the target itself", () => {
    const c = check(h1, "alpha_b", "target_copy");
    expect(c.verdict).toBe("LEAK");
    expect(c.evidence.figure).toContain("log(feature / close)");
    expect(c.evidence.value as number).toBeGreaterThan(0.99);
    // As a raw level it would pass: a price is not correlated with a return.
    expect(check(h1, "alpha_b", "future_vs_past").verdict).toBe("LEAK");
  });

  it("catches the centred moving average by the strength of its tie to the target (it is as tied to the past)", () => {
    const a = check(h1, "alpha_c", "target_association");
    expect(a.verdict).toBe("LEAK");
    // log(ma/close) ~ (2 r[t+1] + r[t+2] - 2 r[t] - r[t-1]) / 5: correlation 2/sqrt(10) = 0.63 with r[t+1]
    expect(a.evidence.value as number).toBeGreaterThan(0.55);
    expect(a.evidence.value as number).toBeLessThan(0.7);
    expect(check(h1, "alpha_c", "future_vs_past").verdict).toBe("OK");
  });

  it("catches the subtle sign leak (70% agreement) through its sign agreement", () => {
    const a = check(h1, "alpha_d", "target_association");
    expect(a.verdict).toBe("LEAK");
    expect(a.evidence.figure).toContain("sign agreement");
    // sin(pi (0.7 - 0.5)) = 0.588 for a normal target; fat tails change little
    expect(a.evidence.value as number).toBeGreaterThan(0.5);
    expect(check(h1, "alpha_d", "future_vs_past").verdict).toBe("LEAK");
  });

  it("explains each LEAK with its figure and threshold", () => {
    for (const name of LEAK_NAMES) {
      const leaks = feature(h1, name).checks.filter((c) => c.verdict === "LEAK");
      expect(leaks.length).toBeGreaterThan(0);
      for (const c of leaks) {
        expect(c.evidence.figure.length).toBeGreaterThan(10);
        expect(typeof c.evidence.value).toBe("number");
        expect(typeof c.evidence.threshold).toBe("number");
        expect(c.explanation).toContain(`"${name}"`);
      }
    }
  });

  it("says how many bars too early each leak is stamped: the generator's look-ahead", () => {
    for (const leak of truth.leaks) {
      const c = check(h1, leak.name, "declared_lag");
      expect(c.verdict).toBe("LEAK");
      expect([leak.name, c.evidence.value]).toEqual([leak.name, leak.lookahead_bars]);
    }
  });

  it("leaves the planted signals and the noise without a flag (sig_h5 carries no 1-bar information)", () => {
    for (const name of [...SIGNALS, ...NOISE]) expect(feature(h1, name).verdict, name).toBe("OK");
  });

  it("catches the planted copy of the target (the detectors' self-check)", () => {
    expect(h1.sentinels.map((c) => [c.check, c.verdict])).toEqual([["planted_copy", "OK"]]);
  });
});

describe("planted 1-bar leaks against the 5-bar forward return", () => {
  it("still judges every planted leak LEAK, and no signal or noise", () => {
    expect(h5.leak).toEqual(LEAK_NAMES);
    for (const name of [...SIGNALS, ...NOISE, ...STANDARD]) expect(feature(h5, name).verdict, name).not.toBe("LEAK");
  });

  it("the copies are diluted to about 1/sqrt(5) of the target but still implausibly strong", () => {
    for (const name of ["alpha_a", "alpha_b"]) {
      expect(check(h5, name, "target_copy").verdict).toBe("OK");
      const c = check(h5, name, "target_association");
      expect(c.verdict, name).toBe("LEAK");
      expect(c.evidence.value as number).toBeGreaterThan(0.4);
      expect(c.evidence.value as number).toBeLessThan(0.5);
      expect(check(h5, name, "future_vs_past").verdict).toBe("LEAK");
    }
  });

  it("the sign leak is too weak against the 5-bar target; only the next-bar check catches it", () => {
    // Honest limit: against the 5-bar return the sign of the first bar is worth about 0.18, below
    // the suspicious level 0.2; its tie to the next bar's return is 0.55 with nothing in the past.
    expect(check(h5, "alpha_d", "target_association").verdict).toBe("OK");
    expect(check(h5, "alpha_d", "future_vs_past").verdict).toBe("OK");
    const nb = check(h5, "alpha_d", "next_bar_return");
    expect(nb.verdict).toBe("LEAK");
    expect(nb.evidence.value as number).toBeGreaterThan(0.5);
  });

  it("sig_h5 is the strongest genuine feature (IC 0.1) and stays below every threshold", () => {
    const sig = feature(h5, "sig_h5");
    expect(sig.verdict).toBe("OK");
    const a = sig.checks.find((c) => c.check === "target_association")!;
    expect(a.evidence.value as number).toBeGreaterThan(0.07);
    expect(a.evidence.value as number).toBeLessThan(0.14);
  });
});

describe("planted leaks under their generator names", () => {
  it("the name rule catches the ones named like forward quantities, the data catches the rest", async () => {
    const p = syntheticPanel({ symbols: 20, bars: 300, leaks: { plant: true } }).panel;
    const f = features(p, { include: ["leak_*", "ret_1"] });
    const r = await detectRound({ panel: p, features: f, target: buildTarget("fwd_ret_1"), leakage: cfg, seed: 3 });
    expect(r.leak).toEqual(["leak_fwd_copy", "leak_future_close", "leak_centered_ma", "leak_fwd_sign"]);
    expect(check(r, "leak_fwd_copy", "name_pattern").evidence.value).toBe("*_fwd_*");
    expect(check(r, "leak_future_close", "name_pattern").evidence.value).toBe("*_future*");
    expect(check(r, "leak_fwd_sign", "name_pattern").verdict).toBe("LEAK");
    expect(check(r, "leak_centered_ma", "name_pattern").verdict).toBe("OK");
    expect(check(r, "leak_centered_ma", "target_association").verdict).toBe("LEAK");
  });
});
