import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";

const root = mkdtempSync(join(tmpdir(), "foxml-prop-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

/** A row: symbol index, day offset (few distinct days, so duplicates happen), close. */
const rowArb = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 10_000 }));

describe("loadData on shuffled, duplicated long files (property)", () => {
  it("returns per symbol the last row of each timestamp, in time order, and counts what it repaired", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), async (rows) => {
        const path = join(root, `r${++run}.csv`);
        const text = ["timestamp,symbol,close", ...rows.map(([s, d, c]) => `${new Date(T0 + d * DAY).toISOString().slice(0, 10)},S${s},${c / 100}`)].join("\n");
        writeFileSync(path, text + "\n");
        const loaded = await loadData(dataOptionsSchema.parse({ path, min_bars: 1 }));

        // Reference: the last row per (symbol, day) in file order; descents counted per symbol.
        const last = new Map<string, Map<number, number>>();
        const prev = new Map<string, number>();
        let descents = 0;
        for (const [s, d, c] of rows) {
          const sym = `S${s}`;
          if (!last.has(sym)) last.set(sym, new Map());
          last.get(sym)!.set(d, c / 100);
          if (prev.has(sym) && d < prev.get(sym)!) descents++;
          prev.set(sym, d);
        }
        const symbols = [...last.keys()].sort();
        expect(loaded.series.map((x) => x.symbol)).toEqual(symbols);
        let unique = 0;
        for (const x of loaded.series) {
          const ref = [...last.get(x.symbol)!.entries()].sort((a, b) => a[0] - b[0]);
          unique += ref.length;
          expect(Array.from(x.ts)).toEqual(ref.map(([d]) => T0 + d * DAY));
          expect(Array.from(x.columns.get("close")!)).toEqual(ref.map(([, c]) => c));
        }
        expect(loaded.report.checks.duplicate_timestamps.count).toBe(rows.length - unique);
        expect(loaded.report.checks.unsorted.count).toBe(descents);
      }),
      { numRuns: 40 },
    );
  });
});
