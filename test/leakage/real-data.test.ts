/**
 * Real closes: the bundled Dow Jones 30 (daily, 1990-2001, close only), whole and cut to its last
 * 103 days, a short history on which 50- and 60-bar features have about 45 bars each. Nothing in
 * the standard library can read the future, so every LEAK here would be a false alarm. On the cut
 * history whole-sample centring used to make dist_sma_50 a LEAK against the 5-bar return (0.41, a
 * Stambaugh bias of about 1.2 sqrt(5 / 47)) and seven more features suspicious; see pooled() in
 * src/leakage/association.ts.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { buildPanel } from "../../src/data/panel.js";
import type { Panel, SymbolSeries } from "../../src/data/types.js";
import { detectRound, type RoundResult } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { DAILY, features, leakageConfig } from "./helpers.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DOW = "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv";
const LAST_DAYS = 103;

let whole: Panel;
let short: Panel;

/** Each series cut to the bars at or after `from` (epoch ms). */
function from(series: readonly SymbolSeries[], fromMs: number): SymbolSeries[] {
  return series.map((s) => {
    const i = s.ts.findIndex((t) => t >= fromMs);
    const k = i < 0 ? s.ts.length : i;
    return { ...s, ts: s.ts.slice(k), columns: new Map([...s.columns].map(([n, v]) => [n, v.slice(k)])) };
  });
}

function leakText(r: RoundResult): string[] {
  return r.features.filter((f) => f.verdict === "LEAK").map((f) => `${f.name}: ${f.checks.filter((c) => c.verdict === "LEAK").map((c) => c.explanation).join(" | ")}`);
}

beforeAll(async () => {
  const d = await loadData(dataOptionsSchema.parse({ path: DOW }), { baseDir: REPO });
  whole = buildPanel(d.series, { alignment: "union", interval: DAILY });
  short = buildPanel(from(d.series, whole.times[whole.T - LAST_DAYS]), { alignment: "union", interval: DAILY });
});

describe("the standard library on the bundled Dow Jones 30 closes", () => {
  it(`cut to the last ${LAST_DAYS} days (30 symbols): no LEAK against the 1-, 5- and 20-bar returns, mom_60 and dd_60 included`, async () => {
    expect([short.T, short.S]).toEqual([LAST_DAYS, 30]);
    const fs = features(short);
    for (const n of ["mom_60", "dd_60", "dist_sma_50"]) expect(fs.names).toContain(n);
    for (const h of [1, 5, 20]) {
      const r = await detectRound({ panel: short, features: fs, target: buildTarget(`fwd_ret_${h}`), leakage: leakageConfig(), seed: 1 });
      expect(leakText(r), `fwd_ret_${h}`).toEqual([]);
      expect(r.suspicious.length, `fwd_ret_${h}: ${r.suspicious.join(", ")}`).toBeLessThanOrEqual(3);
    }
  });

  it("whole (2529 days): no LEAK against the 1-, 5- and 20-bar returns (pre-scan)", async () => {
    const fs = features(whole);
    for (const h of [1, 5, 20]) {
      const r = await detectRound({ panel: whole, features: fs, target: buildTarget(`fwd_ret_${h}`), leakage: leakageConfig({ quick_model: { enabled: false } }), seed: 1 });
      expect(leakText(r), `fwd_ret_${h}`).toEqual([]);
    }
  });
});
