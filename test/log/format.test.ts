import { describe, expect, it } from "vitest";
import { clockTime, formatConsoleLine } from "../../src/log/format.js";

const time = "2026-11-28T10:15:07.900Z";

describe("formatConsoleLine", () => {
  it("puts time, padded level, stage, message, then context keys first", () => {
    const line = formatConsoleLine(
      { level: "info", time, run_id: "r1", stage: "ranking", n: 3, symbol: "AAPL", family: "gbdt", target: "t5", msg: "done" },
      { utc: true },
    );
    expect(line).toBe("10:15:07 INFO  [ranking] done target=t5 family=gbdt symbol=AAPL n=3\n");
  });

  it("quotes strings with spaces, quotes or '=', and writes objects as compact JSON", () => {
    const line = formatConsoleLine({ level: "debug", time, msg: "m", a: "x y", b: 'say "hi"', c: "k=v", d: "", e: { z: [1, 2] }, f: null, g: true }, { utc: true });
    expect(line).toBe('10:15:07 DEBUG m a="x y" b="say \\"hi\\"" c="k=v" d="" e={"z":[1,2]} f=null g=true\n');
  });

  it("shows an error as type and message only", () => {
    const line = formatConsoleLine({ level: "error", time, msg: "fit failed", err: { type: "RangeError", message: "bad lr", stack: "RangeError: bad lr\n at x" } }, { utc: true });
    expect(line).toBe('10:15:07 ERROR fit failed err="RangeError: bad lr"\n');
  });

  it("accepts numeric pino levels and epoch-millisecond times", () => {
    const line = formatConsoleLine({ level: 50, time: Date.parse(time), msg: "x" }, { utc: true });
    expect(line).toBe("10:15:07 ERROR x\n");
    expect(formatConsoleLine({ level: 60, msg: "x" })).toBe("--:--:-- FATAL x\n");
    expect(formatConsoleLine({ level: 35, time, msg: "x" }, { utc: true })).toContain(" INFO  ");
  });

  it("indents continuation lines of a multi-line message and cuts long values", () => {
    const line = formatConsoleLine({ level: "warn", time, msg: "first\nsecond", long: "y".repeat(50) }, { utc: true, maxValueLength: 10 });
    expect(line).toBe(`10:15:07 WARN  first\n    second long=${"y".repeat(9)}…\n`);
  });

  it("adds ANSI colours only when asked", () => {
    const rec = { level: "warn", time, stage: "s", msg: "m" };
    expect(formatConsoleLine(rec, { color: true })).toContain("\x1b[33mWARN ");
    expect(formatConsoleLine(rec)).not.toContain("\x1b[");
  });
});

describe("clockTime", () => {
  it("uses the local time zone unless utc is asked", () => {
    const d = new Date(time);
    const local = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
    expect(clockTime(time, false)).toBe(local);
    expect(clockTime(time, true)).toBe("10:15:07");
    expect(clockTime("not a time", true)).toBe("--:--:--");
  });
});
