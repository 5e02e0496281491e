import { describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { createProgress, formatDuration, progressOutputFor, withProgress, writeAbove } from "../../src/util/progress.js";

/** A fake terminal/pipe that records every write, and a clock the test moves. */
function fakeOut(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, err: (t: string) => void writes.push(t) } };
}
function fakeClock(start = 1_000_000) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => void (c.t += ms) };
  return c;
}

describe("progress on a terminal", () => {
  it("draws a bar in place with percent, counts, label and ETA", () => {
    const { writes, out } = fakeOut(true);
    const clock = fakeClock();
    const p = createProgress({ label: "ranking", total: 1000, out, now: clock.now, width: 10 });
    expect(writes).toEqual(["\r\x1b[K[..........] 0% 0/1000 ranking"]);
    clock.advance(10_000);
    p.update(450);
    // 450 done in 10 s -> 550 left at 45/s -> 12.2 s
    expect(writes.at(-1)).toBe("\r\x1b[K[####......] 45% 450/1000 ranking ETA 12s");
  });

  it("redraws at most once per redrawMs however often it is ticked", () => {
    const { writes, out } = fakeOut(true);
    const clock = fakeClock();
    const p = createProgress({ label: "fit", total: 100, out, now: clock.now, redrawMs: 100 });
    for (let i = 0; i < 50; i++) {
      clock.advance(10);
      p.tick();
    }
    // start + one redraw per 100 ms over 500 ms
    expect(writes).toHaveLength(1 + 5);
    expect(p.done).toBe(50);
  });

  it("ends with a full bar, the elapsed time and a newline; ticks after that are ignored", () => {
    const { writes, out } = fakeOut(true);
    const clock = fakeClock();
    const p = createProgress({ label: "ranking", total: 1000, out, now: clock.now });
    clock.advance(42_000);
    p.update(990);
    p.finish();
    expect(writes.at(-1)).toBe("\r\x1b[K[####################] 100% 1000/1000 ranking done in 42s\n");
    const n = writes.length;
    p.tick();
    p.finish();
    expect(writes).toHaveLength(n);
    expect(p.isFinished).toBe(true);
  });

  it("shows count and rate when the total is unknown, and 'stopped' when the work fails", async () => {
    const { writes, out } = fakeOut(true);
    const clock = fakeClock();
    await expect(
      withProgress({ label: "scan", out, now: clock.now }, (p) => {
        clock.advance(2_000);
        p.update(500);
        expect(writes.at(-1)).toBe("\r\x1b[K500 scan 250/s");
        throw new Error("disk gone");
      }),
    ).rejects.toThrow("disk gone");
    expect(writes.at(-1)).toBe("\r\x1b[K500 scan stopped after 2.0s\n");
  });

  it("lets a log line through above the bar and redraws the bar below it", () => {
    const { writes, out } = fakeOut(true);
    const clock = fakeClock();
    const p = createProgress({ label: "train", total: 4, out, now: clock.now, width: 4 });
    p.update(1);
    writes.length = 0;
    writeAbove(out, "a log line\n");
    expect(writes).toEqual(["\r\x1b[Ka log line\n", "\r\x1b[K[#...] 25% 1/4 train"]);
    p.finish();
    writes.length = 0;
    writeAbove(out, "after\n");
    expect(writes).toEqual(["after\n"]);
  });
});

describe("progress when not a terminal", () => {
  it("prints nothing for short work but the completion line", () => {
    const io = captureIo();
    const clock = fakeClock();
    const p = createProgress({ label: "hash data", total: 3, out: io, now: clock.now });
    p.tick();
    clock.advance(300);
    p.tick(2);
    p.finish();
    expect(io.stderr).toBe("hash data: 3/3 (100%) done in 0.3s\n");
    expect(io.stderr).not.toContain("\r");
  });

  it("prints at most one line per interval, then the completion line", () => {
    const io = captureIo();
    const clock = fakeClock();
    const p = createProgress({ label: "ranking", total: 1000, out: io, now: clock.now, intervalMs: 5_000 });
    for (let i = 1; i <= 1000; i++) {
      clock.advance(20); // 20 s in all
      p.update(i);
    }
    p.finish();
    const lines = io.stderr.trim().split("\n");
    expect(lines).toEqual([
      "ranking: 250/1000 (25%) elapsed 5.0s ETA 15s",
      "ranking: 500/1000 (50%) elapsed 10s ETA 10s",
      "ranking: 750/1000 (75%) elapsed 15s ETA 5.0s",
      "ranking: 1000/1000 (100%) done in 20s",
    ]);
  });

  it("reports a stop without claiming completion", () => {
    const io = captureIo();
    const clock = fakeClock();
    const p = createProgress({ label: "fit", total: 10, out: io, now: clock.now });
    p.update(4);
    clock.advance(75_000);
    p.stop();
    expect(io.stderr).toBe("fit: 4/10 (40%) stopped after 1m15s\n");
  });

  it("adapts a Node writable", () => {
    let text = "";
    const out = progressOutputFor({ write: (t: string) => (text += t) }, false);
    const p = createProgress({ label: "x", out, now: () => 0 });
    p.tick(7);
    p.finish();
    expect(p.done).toBe(7);
    expect(text).toBe("x: 7 done in 0.0s\n");
  });
});

describe("progress input checks and durations", () => {
  it("refuses negative or non-finite totals and counts", () => {
    const { out } = fakeOut(false);
    expect(() => createProgress({ label: "x", total: -1, out })).toThrow(RangeError);
    const p = createProgress({ label: "x", total: 10, out });
    expect(() => p.update(Number.NaN)).toThrow(/finite/);
    expect(() => p.setTotal(Infinity)).toThrow(RangeError);
  });

  it.each([
    [0, "0.0s"],
    [420, "0.4s"],
    [9_940, "9.9s"],
    [12_200, "12s"],
    [184_000, "3m04s"],
    [3_720_000, "1h02m"],
    [-1, "?"],
  ])("formatDuration(%d) = %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});
