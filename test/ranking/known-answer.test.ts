/**
 * Ranking on the synthetic market, whose planted signals sig_h5 and sig_h20 predict the 5- and
 * 20-bar forward returns: those targets rank above a target no feature can know, which is dropped
 * with a reason; and a binary target carrying the same information as a regression one is scored
 * alike (its t-statistic comes from blocks of time, as the IC's does).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import type { FeatureSet } from "../../src/features/index.js";
import { rankTargets, scoreTarget, summarizeTarget, type TargetScore } from "../../src/ranking/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { features, NOISE, SIGNALS, syntheticPanel } from "../leakage/helpers.js";
import { noiseTarget, quickConfig, rankingData } from "./helpers.js";

const cfg = quickConfig();
let panel: Panel;
let fs: FeatureSet;
let symbols: string[];
const scores = new Map<string, TargetScore>();

async function scored(name: string): Promise<TargetScore> {
  const target = name === "noise_5" ? noiseTarget(panel) : buildTarget(name);
  const s = await scoreTarget({ data: rankingData(panel, fs, target, cfg), features: fs.names, grids: fs.grids, symbols, config: cfg, seed: 1, threads: 1 });
  scores.set(name, s);
  return s;
}

beforeAll(async () => {
  panel = syntheticPanel({ signals: { plant: true } }).panel;
  fs = features(panel, { include: [...SIGNALS, ...NOISE, "ret_1"] });
  symbols = [...panel.symbols];
  for (const name of ["fwd_ret_5", "fwd_ret_20", "noise_5", "fwd_sign_5_excess"]) await scored(name);
}, 60_000);

describe("ranking the synthetic market", () => {
  it("ranks the planted horizons above the unpredictable target, which is dropped with a reason", () => {
    const file = rankTargets(["noise_5", "fwd_ret_20", "fwd_ret_5"].map((n) => scores.get(n)!), cfg);
    expect(file.targets.map((r) => r.target)).toEqual(["fwd_ret_5", "fwd_ret_20", "noise_5"]);
    expect(file.kept).toEqual(["fwd_ret_5", "fwd_ret_20"]);
    const noise = file.targets[2];
    expect(noise.kept).toBe(false);
    expect(noise.reason).toMatch(/^dropped: (unpredictable|no out-of-sample skill): best family \w+ t = -?[\d.]+/);
    expect(Math.abs(noise.t_stat!)).toBeLessThan(cfg.min_t_stat);
    expect(file.targets[0].t_stat!).toBeGreaterThan(5);
    expect(file.targets[0].skill!).toBeGreaterThan(0.05);
    expect(file.targets[0].stability!).toBeGreaterThan(0.8);
    expect(file.families).toEqual(["lightgbm", "ridge"]);
  });

  it("records every family's figures for a target", () => {
    const s = scores.get("fwd_ret_5")!;
    expect(s.metric).toBe("ic");
    expect(s.folds).toBe(4);
    expect(s.symbols).toHaveLength(panel.S);
    for (const f of s.families) {
      expect(f.status, f.family).toBe("ok");
      expect(f.folds).toHaveLength(4);
      expect(f.symbolSkill).toHaveLength(panel.S);
      expect(f.blockSkill).toHaveLength(s.blocks);
      expect(f.skill).toBeGreaterThan(0.04);
      for (const fold of f.folds) expect(fold.skill).toBeGreaterThan(0);
    }
    expect(s.agreementPairs).toEqual([{ a: "lightgbm", b: "ridge", value: s.agreement }]);
    expect(s.agreement).toBeGreaterThan(0.3);
    // the noise target's families agree less than on a real signal
    expect(scores.get("noise_5")!.agreement).toBeLessThan(s.agreement);
  });

  it("scores a binary target with the regression target's information alike", () => {
    const bin = scores.get("fwd_sign_5_excess")!;
    expect(bin.metric).toBe("auc");
    const ridge = bin.families.find((f) => f.family === "ridge")!;
    expect(ridge).toMatchObject({ status: "ok", fittedAs: "ridge (linear probability)" });
    const sb = summarizeTarget(bin, cfg);
    const sr = summarizeTarget(scores.get("fwd_ret_5")!, cfg);
    const sn = summarizeTarget(scores.get("noise_5")!, cfg);
    expect(sb.t).toBeGreaterThan(sr.t / 2.5);
    expect(sb.t).toBeLessThan(sr.t * 2.5);
    expect(Math.abs(sb.composite - sr.composite)).toBeLessThan(0.15);
    expect(sb.composite).toBeGreaterThan(sn.composite + 0.4);
    const file = rankTargets([...scores.values()], cfg);
    expect(file.kept).toContain("fwd_sign_5_excess");
  });
});
