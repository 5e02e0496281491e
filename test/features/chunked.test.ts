import { describe, expect, it } from "vitest";
import { buildFeatures, CS_TRANSFORMS, panelSource, streamFeatures, type BuildOptions, type FeatureSet, type GridSource } from "../../src/features/index.js";
import { realPanel, syntheticPanel } from "./helpers/panels.js";

function expectIdentical(a: FeatureSet, b: FeatureSet): void {
  expect(b.names).toEqual(a.names);
  for (const name of a.names) {
    const x = a.get(name);
    const y = b.get(name);
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) throw new Error(`${name}[${i}] differs: in-memory ${x[i]}, chunked ${y[i]}`);
    }
  }
}

const panel = syntheticPanel({ T: 420, S: 5, seed: "chunks", gapRate: 0.002, stagger: 20, extra: ["alpha"] });
const OPTS: BuildOptions = {
  marketProxy: "S0",
  userColumns: { declared: [{ column: "alpha", lag: 1 }] },
  crossSectional: [{ features: ["ret_1", "vol_cc_20", "rsi_14", "macd_signal", "dd_252", "alpha"], transforms: [...CS_TRANSFORMS] }],
};

describe("chunked computation equals in-memory computation exactly", () => {
  const whole = buildFeatures(panel, OPTS);

  it("has values to compare (not all NaN)", () => {
    expect(whole.names.length).toBeGreaterThan(90);
    for (const name of whole.names) expect(whole.get(name).some((v) => Number.isFinite(v)), name).toBe(true);
  });

  it.each([37, 150, 419])("chunks of %i rows", (chunkRows) => {
    expectIdentical(whole, buildFeatures(panel, { ...OPTS, chunkRows }));
  });

  it("chunks of a single row (warm-up longer than the chunk)", () => {
    const opts = { ...OPTS, include: ["ret_*", "vol_cc_5", "dist_ema_12", "stoch_d_14", "ret_1__cs_rank", "alpha"] };
    expectIdentical(buildFeatures(panel, opts), buildFeatures(panel, { ...opts, chunkRows: 1 }));
  });

  it("with an extra lag", () => {
    const opts = { ...OPTS, extraLag: 2 };
    expectIdentical(buildFeatures(panel, opts), buildFeatures(panel, { ...opts, chunkRows: 64 }));
  });

  it("on the bundled real series (staggered listings on a union axis)", () => {
    const real = realPanel();
    expectIdentical(buildFeatures(real), buildFeatures(real, { chunkRows: 500 }));
  });
});

describe("streamFeatures", () => {
  it("hands over consecutive chunks whose rows equal the in-memory grids", async () => {
    const whole = buildFeatures(panel, OPTS);
    const seen: Array<[number, number]> = [];
    const summary = await streamFeatures(panelSource(panel), { ...OPTS, chunkRows: 100 }, async (chunk) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push([chunk.rowStart, chunk.rowEnd]);
      expect(chunk.names).toEqual(whole.names);
      expect(chunk.times).toEqual(panel.times.subarray(chunk.rowStart, chunk.rowEnd));
      chunk.names.forEach((name, j) => {
        const expected = whole.get(name).subarray(chunk.rowStart * 5, chunk.rowEnd * 5);
        const got = chunk.grids[j];
        expect(got.length).toBe(expected.length);
        for (let i = 0; i < got.length; i++) if (!Object.is(got[i], expected[i])) throw new Error(`${name} row ${chunk.rowStart} + ${Math.floor(i / 5)}`);
      });
    });
    expect(seen).toEqual([
      [0, 100],
      [100, 200],
      [200, 300],
      [300, 400],
      [400, 420],
    ]);
    expect(summary.chunks).toBe(5);
    expect(summary.warmupRows).toBe(whole.warmupRows);
  });

  it("reads from the source only each chunk's rows plus the warm-up, and only the columns needed", async () => {
    const inner = panelSource(panel);
    const requests: Array<{ start: number; end: number; columns: readonly string[] }> = [];
    const source: GridSource = {
      ...inner,
      columnHasValues: () => undefined,
      rows(start, end, columns) {
        requests.push({ start, end, columns });
        return inner.rows(start, end, columns);
      },
    };
    const summary = await streamFeatures(source, { include: ["ret_1", "vol_cc_20", "range_hl"], chunkRows: 50 }, () => {});
    expect(summary.warmupRows).toBe(20);
    expect(requests[0]).toEqual({ start: 0, end: 50, columns: ["close", "high", "low"] });
    expect(requests[1]).toMatchObject({ start: 30, end: 100 });
    expect(requests.at(-1)).toMatchObject({ start: 380, end: 420 });
  });
});
