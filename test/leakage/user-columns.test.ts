/**
 * Users' own columns: a declared lag that does not hold, columns named like forward quantities,
 * and columns named after the target.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildPanel } from "../../src/data/panel.js";
import type { Panel } from "../../src/data/types.js";
import { buildFeatures } from "../../src/features/index.js";
import { detectRound, type RoundResult } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { generateMarket } from "../../src/data/synth/index.js";
import { DAILY, leakageConfig } from "./helpers.js";

const cfg = leakageConfig({ quick_model: { enabled: false } });

/** Adds per-symbol columns computed from each symbol's own closes. */
function withColumns(extra: Record<string, (close: Float64Array) => Float64Array>): Panel {
  const market = generateMarket({ seed: 23, symbols: 40, bars: 600 });
  for (const s of market.series) {
    const close = s.columns.get("close")!;
    for (const [name, fn] of Object.entries(extra)) s.columns.set(name, fn(close));
  }
  return buildPanel(market.series, { alignment: "union", interval: DAILY });
}

/** log(close[i + lead] / close[i + lead - 1]): a one-bar return stamped `lead` bars early (lead 0: correct). */
const stampedEarly = (lead: number) => (close: Float64Array) => {
  const out = new Float64Array(close.length).fill(NaN);
  for (let i = 1 - lead; i + lead < close.length; i++) if (i >= 0) out[i] = Math.log(close[i + lead] / close[i + lead - 1]);
  return out;
};

let panel: Panel;
beforeAll(() => {
  panel = withColumns({
    vendor_ret: stampedEarly(1), // meant as "the return of bar t", stamped one bar early
    vendor_ret2: stampedEarly(2),
    vendor_ok: stampedEarly(0),
    fwd_custom: stampedEarly(0),
    y_label: stampedEarly(0),
    alpha_ret_z: stampedEarly(0),
  });
});

async function run(declared: Array<{ column: string; lag?: number }>, target = "fwd_ret_1", userExclude: string[] = []): Promise<RoundResult> {
  const fs = buildFeatures(panel, { include: ["ret_1", ...declared.map((d) => d.column)], userColumns: { declared, exclude: userExclude } });
  return detectRound({ panel, features: fs, target: buildTarget(target), leakage: cfg, seed: 1 });
}

function checksOf(r: RoundResult, name: string) {
  return r.features.find((f) => f.name === name)!.checks;
}

describe("a misdeclared lag", () => {
  it("a column declared lag 0 that uses bar t+1 is a LEAK, with the lag that would fix it", async () => {
    const r = await run([{ column: "vendor_ret", lag: 0 }]);
    expect(r.leak).toEqual(["vendor_ret"]);
    const lag = checksOf(r, "vendor_ret").find((c) => c.check === "declared_lag")!;
    expect(lag.verdict).toBe("LEAK");
    expect(lag.evidence).toEqual({ figure: "extra bars of lag after which the data checks pass", value: 1, threshold: 0 });
    expect(lag.explanation).toContain("declare lag 1");
    // ... and the data say why: it is the target itself
    expect(checksOf(r, "vendor_ret").find((c) => c.check === "target_copy")!.verdict).toBe("LEAK");
  });

  it("the same column declared with the right lag passes (it then equals ret_1)", async () => {
    const r = await run([{ column: "vendor_ret", lag: 1 }]);
    expect(r.leak).toEqual([]);
    expect(r.features.find((f) => f.name === "vendor_ret")!.verdict).toBe("OK");
  });

  it("a lag declared one bar short is still caught, against a 5-bar target too", async () => {
    const r = await run([{ column: "vendor_ret2", lag: 1 }], "fwd_ret_5");
    expect(r.leak).toEqual(["vendor_ret2"]);
    const lag = checksOf(r, "vendor_ret2").find((c) => c.check === "declared_lag")!;
    expect(lag.evidence.value).toBe(1);
    expect(lag.explanation).toContain("declare lag 2");
    expect((await run([{ column: "vendor_ret2", lag: 2 }], "fwd_ret_5")).leak).toEqual([]);
  });

  it("a correctly stamped column with lag 0 passes", async () => {
    const r = await run([{ column: "vendor_ok", lag: 0 }]);
    expect(r.features.find((f) => f.name === "vendor_ok")!.verdict).toBe("OK");
  });
});

describe("user columns named like forward quantities or after the target", () => {
  it("the name rule catches fwd_* and y_* even when the feature planner lets them in", async () => {
    // The planner keeps fwd_*, target_* and y_* out by default; with that exclusion removed the
    // leakage rules still catch them, whatever their values.
    const r = await run([{ column: "fwd_custom" }, { column: "y_label" }], "fwd_ret_1", []);
    expect(r.leak).toEqual(["fwd_custom", "y_label"]);
    for (const n of ["fwd_custom", "y_label"]) {
      const c = checksOf(r, n).find((x) => x.check === "name_pattern")!;
      expect(c.verdict).toBe("LEAK");
      // their values are an honest past return: only the name condemns them
      expect(checksOf(r, n).find((x) => x.check === "target_association")!.verdict).toBe("OK");
    }
  });

  it("a column containing the target's name is caught by the target-derived rule", async () => {
    const fs = buildFeatures(panel, { include: ["ret_1", "alpha_ret_z"], userColumns: { declared: [{ column: "alpha_ret_z" }] } });
    const target = buildTarget({ kind: "forward_return", name: "alpha_ret", horizon: 5 });
    const r = await detectRound({ panel, features: fs, target, leakage: cfg, seed: 1 });
    expect(r.leak).toEqual(["alpha_ret_z"]);
    const c = checksOf(r, "alpha_ret_z").find((x) => x.check === "target_derived_name")!;
    expect(c.verdict).toBe("LEAK");
    expect(c.evidence.value).toBe("alpha_ret");
    expect(checksOf(r, "alpha_ret_z").find((x) => x.check === "name_pattern")!.verdict).toBe("OK");
  });
});
