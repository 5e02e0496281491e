/**
 * The pipeline.ranking block and the targets auto_targets generates: `{}` gives usable defaults,
 * mistakes are refused by key, and every generated name is a valid target of the grammar that
 * builds into the horizon it was generated for.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUTO_TARGET_MEASURES, autoTargetNames, autoTargetsSchema, mergeCandidates, rankingSchema, rankingWeightsSchema, type AutoTargetMeasure } from "../../src/ranking/index.js";
import { buildTarget, formatTargetName, parseTargetName } from "../../src/targets/index.js";
import { InputError } from "../../src/util/errors.js";

describe("rankingSchema", () => {
  it("fills every key from {}", () => {
    const c = rankingSchema.parse({});
    expect(c.enabled).toBe(true);
    expect(c.families.map((f) => f.name)).toEqual(["lightgbm", "ridge"]);
    expect(c.splitter).toEqual({ kind: "purged_kfold", n_splits: 4 });
    expect(c.weights).toEqual({ skill: 0.6, stability: 0.25, agreement: 0.15 });
    expect(c.auto_targets).toEqual({ enabled: false, horizons: [1, 5, 20], measures: ["ret", "excess", "sign"] });
    expect(c.top_n).toBe(3);
    expect(c.min_t_stat).toBe(2);
    // defaults are fresh objects: editing one parse's families does not leak into the next
    c.families[0].hyperparameters.n_estimators = 1;
    expect(rankingSchema.parse({}).families[0].hyperparameters.n_estimators).toBe(60);
  });

  it("describes every key", () => {
    const described = (shape: Record<string, unknown>, prefix: string) => {
      for (const [key, schema] of Object.entries(shape)) expect((schema as { description?: string }).description, prefix + key).toBeTruthy();
    };
    described(rankingSchema.shape, "");
    described(rankingWeightsSchema.shape, "weights.");
    described(autoTargetsSchema.shape, "auto_targets.");
  });

  it("refuses unknown keys, repeated families, all-zero weights and bad horizons, naming the key", () => {
    const path = (v: unknown) => rankingSchema.safeParse(v).error?.issues.map((i) => i.path.join("."));
    expect(path({ top: 3 })).toEqual([""]);
    expect(path({ families: [{ name: "ridge" }, { name: "ridge" }] })).toEqual(["families"]);
    expect(path({ weights: { skill: 0, stability: 0, agreement: 0 } })).toEqual(["weights"]);
    expect(path({ auto_targets: { horizons: [0] } })).toEqual(["auto_targets.horizons.0"]);
    expect(path({ auto_targets: { measures: ["returns"] } })).toEqual(["auto_targets.measures.0"]);
    expect(path({ splitter: { kind: "purged_kfold", n_splits: 1 } })).toEqual(["splitter.n_splits"]);
    expect(path({ top_n: 0 })).toEqual(["top_n"]);
  });
});

describe("autoTargetNames", () => {
  it("generates every measure at every horizon, horizon by horizon", () => {
    expect(autoTargetNames({ enabled: true, horizons: [1, 5], measures: ["ret", "excess", "sign"] })).toEqual([
      "fwd_ret_1",
      "fwd_excess_1",
      "fwd_sign_1",
      "fwd_ret_5",
      "fwd_excess_5",
      "fwd_sign_5",
    ]);
    expect(autoTargetNames({ enabled: false, horizons: [1], measures: ["ret"] })).toEqual([]);
    expect(autoTargetNames({ enabled: true, horizons: [5, 5, "1d"], measures: ["sign_excess", "sign_excess"] })).toEqual(["fwd_sign_5_excess", "fwd_sign_1d_excess"]);
  });

  it("gives only names the grammar accepts and the builder turns into targets of that horizon", () => {
    const measures = Object.keys(AUTO_TARGET_MEASURES) as AutoTargetMeasure[];
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 250 }), { minLength: 1, maxLength: 4 }), fc.subarray(measures, { minLength: 1 }), (horizons, ms) => {
        const names = autoTargetNames({ enabled: true, horizons, measures: ms });
        expect(names).toHaveLength(horizons.length * ms.length);
        for (const name of names) {
          expect(formatTargetName(parseTargetName(name))).toBe(name);
          expect(horizons).toContain(buildTarget(name).horizon);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("refuses a measure it does not know with an InputError naming the key", () => {
    expect(() => autoTargetNames({ enabled: true, horizons: [1], measures: ["nope" as AutoTargetMeasure] })).toThrow(InputError);
    expect(() => autoTargetNames({ enabled: true, horizons: [1], measures: ["nope" as AutoTargetMeasure] })).toThrow(/auto_targets.measures: unknown measure "nope"/);
  });

  it("merges with the experiment's targets, which come first and are not repeated", () => {
    const listed = [
      { name: "fwd_ret_5", canonical: "fwd_ret_5" },
      { name: "my_sign", canonical: "fwd_sign_1" },
    ];
    expect(mergeCandidates(listed, autoTargetNames({ enabled: true, horizons: [1, 5], measures: ["ret", "sign"] }))).toEqual(["fwd_ret_5", "my_sign", "fwd_ret_1", "fwd_sign_5"]);
  });
});
