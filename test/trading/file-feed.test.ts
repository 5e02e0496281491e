/**
 * The file bar feed reads what a writer appends, only whole lines, each symbol in time order;
 * a rewritten file is read again; bad lines are errors naming the line. And the live loop's rule
 * for when a bar time is complete.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { FileBarFeed } from "../../src/trading/feed/file.js";
import type { LiveBar } from "../../src/trading/feed/types.js";
import { completeTimes } from "../../src/trading/loop/live.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-feed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const D = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe("FileBarFeed", () => {
  it("returns the bars after a time, reading only appended whole lines", async () => {
    const path = join(tmp, "a.csv");
    writeFileSync(path, "Date,Ticker,Close,Volume\n2024-01-02,AAA,10,100\n2024-01-02,BBB,20,\n");
    const feed = new FileBarFeed({ path });
    expect(await feed.barsAfter(["AAA", "BBB"], -Infinity, 10)).toEqual([
      { symbol: "AAA", time: D("2024-01-02"), open: NaN, high: NaN, low: NaN, close: 10, volume: 100 },
      { symbol: "BBB", time: D("2024-01-02"), open: NaN, high: NaN, low: NaN, close: 20, volume: NaN },
    ]);
    // Half a line: not read until its newline arrives.
    appendFileSync(path, "2024-01-03,AAA,11,1");
    expect(await feed.barsAfter(["AAA", "BBB"], D("2024-01-02"), 10)).toEqual([]);
    appendFileSync(path, "10\n2024-01-03,BBB,21,5\n2024-01-04,AAA,12,7\n");
    const after = await feed.barsAfter(["AAA", "BBB"], D("2024-01-02"), 10);
    expect(after.map((b) => [b.symbol, b.close, b.volume])).toEqual([
      ["AAA", 11, 110],
      ["BBB", 21, 5],
      ["AAA", 12, 7],
    ]);
    // At most `limit` per symbol, oldest first; unknown symbols are ignored.
    expect((await feed.barsAfter(["AAA", "ZZZ"], -Infinity, 2)).map((b) => b.close)).toEqual([10, 11]);
    expect(feed.symbols()).toEqual(["AAA", "BBB"]);
    // A rewritten (shorter) file is read from the start again.
    writeFileSync(path, "timestamp,symbol,close\n2025-05-05,CCC,3\n");
    expect(await feed.barsAfter(["AAA", "CCC"], -Infinity, 10)).toMatchObject([{ symbol: "CCC", close: 3 }]);
  });

  it("refuses bars out of order, bad fields and headers, naming file and line", async () => {
    const path = join(tmp, "b.csv");
    writeFileSync(path, "timestamp,symbol,close\n2024-01-03,AAA,10\n2024-01-02,AAA,9\n");
    await expect(new FileBarFeed({ path }).barsAfter(["AAA"], -Infinity, 10)).rejects.toThrow(/b\.csv line 3: AAA bar at 2024-01-02T00:00:00\.000Z is not after its previous bar/);
    writeFileSync(path, "timestamp,symbol,close\n2024-01-03,AAA,ten\n");
    await expect(new FileBarFeed({ path }).barsAfter(["AAA"], -Infinity, 10)).rejects.toThrow(/line 2: close "ten" is not a number/);
    writeFileSync(path, "timestamp,symbol,close\nyesterday,AAA,1\n");
    await expect(new FileBarFeed({ path }).barsAfter(["AAA"], -Infinity, 10)).rejects.toThrow(/line 2: "yesterday" is not a timestamp/);
    writeFileSync(path, "timestamp,symbol,open\n2024-01-03,AAA,1\n");
    await expect(new FileBarFeed({ path }).barsAfter(["AAA"], -Infinity, 10)).rejects.toThrow(/line 1: no close column/);
    writeFileSync(path, "timestamp,symbol,close\n2024-01-03,AAA\n");
    await expect(new FileBarFeed({ path }).barsAfter(["AAA"], -Infinity, 10)).rejects.toThrow(/line 2: 2 fields, the header has 3/);
    await expect(new FileBarFeed({ path: join(tmp, "none.csv") }).barsAfter(["AAA"], -Infinity, 10)).rejects.toThrow(/none\.csv: cannot read it \(ENOENT\)/);
  });

  it("reads a Parquet file again whenever it changes", async () => {
    const path = join(tmp, "c.parquet");
    const write = (n: number) =>
      pl.DataFrame({ timestamp: Array.from({ length: n }, (_, i) => `2024-01-0${i + 2}`), symbol: Array(n).fill("AAA"), close: Array.from({ length: n }, (_, i) => 10 + i) }).writeParquet(path);
    write(2);
    const feed = new FileBarFeed({ path });
    expect((await feed.barsAfter(["AAA"], -Infinity, 10)).map((b) => b.close)).toEqual([10, 11]);
    write(3);
    expect((await feed.barsAfter(["AAA"], D("2024-01-03"), 10)).map((b) => [b.time, b.close])).toEqual([[D("2024-01-04"), 12]]);
  });
});

describe("completeTimes", () => {
  const bar = (symbol: string, day: number): LiveBar => ({ symbol, time: day, open: NaN, high: NaN, low: NaN, close: 1, volume: NaN });
  it("a time is complete once a later bar arrived, or when every symbol of the time before has a bar at it", () => {
    const bars = [bar("A", 1), bar("B", 1), bar("A", 2), bar("B", 2), bar("A", 3)];
    expect(completeTimes(bars, null).map(([t, b]) => [t, b.length])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(completeTimes([...bars, bar("B", 3)], null).map(([t]) => t)).toEqual([1, 2, 3]);
    // The newest alone: complete when the symbols of the previous (already processed) time are all there.
    expect(completeTimes([bar("A", 4)], new Set(["A", "B"]))).toEqual([]);
    expect(completeTimes([bar("A", 4), bar("B", 4)], new Set(["A", "B"])).map(([t]) => t)).toEqual([4]);
    // A symbol gone quiet does not hold the loop back once a later bar arrives.
    expect(completeTimes([bar("A", 4), bar("A", 5)], new Set(["A", "B"])).map(([t]) => t)).toEqual([4]);
  });
});
