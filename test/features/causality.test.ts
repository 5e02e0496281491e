/**
 * The causality property over the whole registry: every registered feature (the standard library,
 * every cross-sectional transform of every time-series feature, users' columns) is built, one
 * input cell is changed, and the feature values are compared at every row. A value at row t may
 * change only if the changed column is one of the feature's declared inputs, the changed row lies
 * inside its declared window [t - lag - lookback + 1, t - lag], and (for time-series features) the
 * changed symbol is its own. In particular nothing later than the decision row t ever matters.
 * A deterministic sweep then checks the declarations are tight: a missing value at the newest
 * and at the oldest declared row does reach the feature.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFeatures, crossSectionalName, CS_TRANSFORMS, standardRegistry, type BuildOptions, type FeatureSet, type FeatureSpec } from "../../src/features/index.js";
import type { Panel } from "../../src/data/types.js";
import { syntheticPanel, withColumns } from "./helpers/panels.js";

const T = 330;
const S = 4;
const HOUR = 3_600_000;
// Hourly bars from 2020-01-25: time of day, day of week and month all vary.
const START = Date.UTC(2020, 0, 25, 0, 0);
const COLUMNS = ["open", "high", "low", "close", "volume", "alpha", "beta"] as const;

const OPTIONS: BuildOptions = {
  marketProxy: "S0",
  userColumns: { declared: [{ column: "beta", lag: 2, lookback: 5 }] },
  crossSectional: [{ features: ["*"], transforms: [...CS_TRANSFORMS] }],
};

const clean = syntheticPanel({ T, S, seed: "causal", stepMs: HOUR, startMs: START, extra: ["alpha", "beta"] });
const gappy = syntheticPanel({ T, S, seed: "causal-gaps", stepMs: HOUR, startMs: START, extra: ["alpha", "beta"], gapRate: 0.01, stagger: 40 });

function mutate(p: Panel, column: string, u: number, s: number, value: (old: number) => number): Panel {
  const grid = Float64Array.from(p.column(column));
  grid[u * p.S + s] = value(grid[u * p.S + s]);
  return withColumns(p, { [column]: grid });
}

/** Rows t whose value may depend on input row u: t - lag - lookback + 1 <= u <= t - lag. */
function mayDepend(spec: FeatureSpec, u: number, t: number): boolean {
  return t >= u + spec.lag && t <= u + spec.lag + spec.lookback - 1;
}

describe("causality of every registered feature", () => {
  let base: { clean: FeatureSet; gappy: FeatureSet };
  beforeAll(() => {
    base = { clean: buildFeatures(clean, OPTIONS), gappy: buildFeatures(gappy, OPTIONS) };
  });

  it("runs every registered feature, every transform of it and the user columns", () => {
    const set = base.clean;
    expect(set.skipped).toEqual([]);
    const names = new Set(set.names);
    const registry = standardRegistry();
    for (const name of registry.names()) expect(names.has(name), name).toBe(true);
    for (const spec of registry.list()) {
      // Calendar features are the same for every symbol: their cross-sections are degenerate.
      if (spec.kind !== "timeseries" || spec.dataFree) continue;
      for (const t of CS_TRANSFORMS) expect(names.has(crossSectionalName(spec.name, t)), `${spec.name} ${t}`).toBe(true);
    }
    expect(names.has("alpha")).toBe(true);
    expect(names.has("beta")).toBe(true);
    // Not vacuous: past the longest warm-up every feature has values on the clean panel.
    for (const name of set.names) {
      const g = set.get(name);
      expect(Number.isFinite(g[(T - 1) * S + 1]), `${name} at the last row`).toBe(true);
    }
  });

  it("changing one input cell changes only the values whose declared window and inputs contain it", () => {
    fc.assert(
      fc.property(
        fc.record({
          which: fc.constantFrom("clean" as const, "gappy" as const),
          column: fc.constantFrom(...COLUMNS),
          u: fc.integer({ min: 0, max: T - 1 }),
          s: fc.integer({ min: 0, max: S - 1 }),
          change: fc.oneof(fc.constant(NaN), fc.double({ min: 0.5, max: 2, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })),
        }),
        ({ which, column, u, s, change }) => {
          const before = base[which];
          const after = buildFeatures(mutate(which === "clean" ? clean : gappy, column, u, s, (old) => (Number.isNaN(change) ? NaN : old * change)), OPTIONS);
          expect(after.names).toEqual(before.names);
          for (const spec of before.specs) {
            const a = before.get(spec.name);
            const b = after.get(spec.name);
            const reads = spec.inputs.includes(column);
            for (let t = 0; t < T; t++) {
              const allowed = reads && mayDepend(spec, u, t);
              for (let k = 0; k < S; k++) {
                if (allowed && (spec.kind === "cross_sectional" || k === s)) continue;
                const i = t * S + k;
                if (!Object.is(a[i], b[i])) {
                  throw new Error(
                    `${spec.name} (lookback ${spec.lookback}, lag ${spec.lag}, inputs ${spec.inputs.join("/")}) changed at row ${t}, symbol ${k} ` +
                      `when ${column} changed at row ${u}, symbol ${s}: ${a[i]} -> ${b[i]}`,
                  );
                }
              }
            }
          }
        },
      ),
      { numRuns: 45, seed: 20240611 },
    );
  });

  it("the declarations are tight: a missing value at the newest and at the oldest declared row reaches every feature", () => {
    // A late row for the newest end (its value at u + lag is past every warm-up), an early row
    // for the oldest end (u + lag + lookback - 1 is still inside the panel for every feature).
    const lateU = T - 25;
    const earlyU = 3;
    const s = 2;
    const newest = new Set<string>();
    const oldest = new Set<string>();
    for (const column of COLUMNS) {
      for (const u of [lateU, earlyU]) {
        const after = buildFeatures(mutate(clean, column, u, s, () => NaN), OPTIONS);
        for (const spec of base.clean.specs) {
          if (!spec.inputs.includes(column)) continue;
          const a = after.get(spec.name);
          const reached = (t: number) => t < T && Number.isNaN(a[t * S + s]) && !Number.isNaN(base.clean.get(spec.name)[t * S + s]);
          if (u === lateU && reached(u + spec.lag)) newest.add(spec.name);
          if (u === earlyU && reached(u + spec.lag + spec.lookback - 1)) oldest.add(spec.name);
        }
      }
    }
    for (const spec of base.clean.specs) {
      if (spec.inputs.length === 0) continue;
      expect(newest.has(spec.name), `${spec.name}: row t - lag (lag ${spec.lag}) never mattered`).toBe(true);
      // A user's declared lookback describes the column's content, not the rows the engine reads.
      if (spec.origin === "user") continue;
      expect(oldest.has(spec.name), `${spec.name}: row t - lag - lookback + 1 (lookback ${spec.lookback}) never mattered`).toBe(true);
    }
  });
});
