import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editDistance, nearest, suggestKey } from "../../src/config/suggest.js";
import { pipelineFileSchema } from "../../src/config/schema/experiment.js";

describe("editDistance", () => {
  it("known answers", () => {
    expect(editDistance("", "")).toBe(0);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("purge_bufer_bars", "purge_buffer_bars")).toBe(1);
    expect(editDistance("ab", "ba")).toBe(1); // transposition
    expect(editDistance("ca", "abc")).toBe(3); // optimal string alignment, not unrestricted Damerau
  });

  it("is a metric-like distance: symmetric, zero only for equal strings, bounded by the longer length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe("nearest", () => {
  const keys = ["purge_buffer_bars", "embargo_bars", "thresholds", "sentinels", "auto_fix"];
  it("typos, case and dashes", () => {
    expect(nearest("purge_bufer_bars", keys)).toBe("purge_buffer_bars");
    expect(nearest("Purge-Buffer-Bars", keys)).toBe("purge_buffer_bars");
    expect(nearest("treshold", keys)).toBe("thresholds");
    expect(nearest("autofix", keys)).toBe("auto_fix");
  });
  it("a longer or shorter form of one candidate", () => {
    expect(nearest("warning", ["trace", "debug", "info", "warn", "error"])).toBe("warn");
  });
  it("nothing plausible: no suggestion", () => {
    expect(nearest("zzz", keys)).toBeUndefined();
    expect(nearest("x", [])).toBeUndefined();
  });
});

describe("suggestKey", () => {
  it("a block valid elsewhere: its place, ranked by how many of its keys fit", () => {
    const s = suggestKey(pipelineFileSchema, ["pipeline", "data"], "thresholds", { target_correlation: 0.9 });
    expect(s).toEqual({
      path: "pipeline.leakage.thresholds",
      wrongParent: true,
      text: "did you mean pipeline.leakage.thresholds? this block appears to be indented under the wrong parent",
    });
    // "enabled" exists under sentinels and auto_fix: a block with max_rounds belongs under auto_fix.
    const parentOfEnabled = suggestKey(pipelineFileSchema, ["pipeline"], "auto_fix", { enabled: true, max_rounds: 2 });
    expect(parentOfEnabled?.path).toBe("pipeline.leakage.auto_fix");
  });

  it("a scalar typo of a sibling stays a typo", () => {
    expect(suggestKey(pipelineFileSchema, ["pipeline", "leakage"], "embargo_bar", 3)?.text).toBe("did you mean pipeline.leakage.embargo_bars?");
  });

  it("a misspelled key under the wrong parent", () => {
    expect(suggestKey(pipelineFileSchema, ["pipeline", "data"], "treshholds", {})?.path).toBe("pipeline.leakage.thresholds");
  });
});
