import { describe, expect, it } from "vitest";
import { buildFeatures, historyRows } from "../../src/features/index.js";
import { featuresOptionsSchema } from "../../src/features/schema.js";
import { InputError } from "../../src/util/errors.js";
import { syntheticPanel } from "./helpers/panels.js";

describe("features on a short history (pipeline.features.min_history_share)", () => {
  const panel = syntheticPanel({ T: 100, S: 3 });

  it("leaves out, with the reason, features whose lookback leaves values at fewer than the share of bars", () => {
    const set = buildFeatures(panel, { include: ["mom_*", "vol_cc_*"], exclude: ["*__*"], minHistoryShare: 0.5 });
    // mom_20 needs 21 rows (values at 80 of 100 bars): kept; mom_60 needs 61 (values at 40): out
    expect(set.names).toEqual(["mom_5", "mom_10", "mom_20", "vol_cc_5", "vol_cc_10", "vol_cc_20"]);
    const mom60 = set.skipped.find((s) => s.name === "mom_60")!;
    expect(mom60.cause).toBe("history");
    expect(mom60.reason).toBe("needs 61 rows of history, which leaves values at 40 of the panel's 100 bars (pipeline.features.min_history_share 0.5 asks for 50)");
    // needing more rows than the panel has keeps its own reason
    expect(set.skipped.find((s) => s.name === "mom_252")!.reason).toBe("needs 253 rows of history and the panel has 100");
    expect(set.skipped.find((s) => s.name === "mom_252")!.cause).toBe("history");
    // every kept feature has a value at half the bars or more
    for (const spec of set.specs) expect(panel.T - historyRows(spec)).toBeGreaterThanOrEqual(50);
  });

  it("keeps the boundary: a feature whose values cover exactly the share stays", () => {
    // vol_cc_60 needs 61 rows: values at 40 of 100 bars, exactly a share of 0.4
    expect(buildFeatures(panel, { include: ["vol_cc_60"], minHistoryShare: 0.4 }).names).toEqual(["vol_cc_60"]);
    expect(buildFeatures(panel, { include: ["vol_cc_60"], minHistoryShare: 0.41 }).names).toEqual([]);
  });

  it("takes the cross-sectional transforms of a dropped base with it, and tells missing inputs apart", () => {
    const set = buildFeatures(panel, { include: ["mom_60*", "cal_tod"], minHistoryShare: 0.5 });
    expect(set.skipped.find((s) => s.name === "cal_tod")!.cause).toBe("inputs");
    const rank = set.skipped.find((s) => s.name === "mom_60__cs_rank")!;
    expect(rank.cause).toBe("history");
    expect(rank.reason).toMatch(/^its base feature mom_60 is skipped: needs 61 rows of history/);
    // without the option only features longer than the panel go (the library default)
    expect(buildFeatures(panel, { include: ["mom_60"] }).names).toEqual(["mom_60"]);
  });

  it("defaults to half the bars in the configuration and rejects a share outside [0, 1)", () => {
    expect(featuresOptionsSchema.parse({}).min_history_share).toBe(0.5);
    expect(featuresOptionsSchema.safeParse({ min_history_share: 1 }).success).toBe(false);
    expect(() => buildFeatures(panel, { minHistoryShare: -0.1 })).toThrow(InputError);
  });
});
