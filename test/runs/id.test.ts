import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimRunDir, runTimestamp, sanitizeRunName } from "../../src/runs/id.js";
import { FoxmlError } from "../../src/util/errors.js";
import { tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir("foxml-id-");
});
afterEach(() => tmp.remove());

describe("run ids", () => {
  it("formats UTC time compactly", () => {
    expect(runTimestamp(Date.UTC(2026, 10, 28, 10, 15, 0, 999))).toBe("20261128T101500Z");
    expect(runTimestamp(Date.UTC(2001, 0, 2, 3, 4, 5))).toBe("20010102T030405Z");
    expect(() => runTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    ["default", "default"],
    ["My Study / v2", "My-Study-v2"],
    ["../../etc", "etc"],
    ["Düsseldorf 5m", "Dusseldorf-5m"],
    ["...", "run"],
    ["", "run"],
    ["a".repeat(80), "a".repeat(64)],
    ["exp_1.2-final", "exp_1.2-final"],
  ])("sanitizes %j to %j", (name, folder) => expect(sanitizeRunName(name)).toBe(folder));

  it("claims fresh folders with -2, -3 suffixes and never reuses one", () => {
    const t = Date.UTC(2026, 10, 28, 10, 15, 0);
    const runs = join(tmp.path, "runs");
    const ids = [1, 2, 3].map(() => claimRunDir(runs, t, "default").id);
    expect(ids).toEqual(["20261128T101500Z-default", "20261128T101500Z-default-2", "20261128T101500Z-default-3"]);
    expect(readdirSync(runs).sort()).toEqual(ids.sort());
  });

  it("reports a runs folder that cannot be created", () => {
    const blocker = join(tmp.path, "file");
    writeFileSync(blocker, "x");
    expect(() => claimRunDir(join(blocker, "runs"), 0, "x")).toThrow(FoxmlError);
    mkdirSync(join(tmp.path, "ok"));
    expect(() => claimRunDir(join(tmp.path, "ok"), 0, "x")).not.toThrow();
  });
});
