import { describe, expect, it } from "vitest";
import { fileLevelFor, levelName, moreVerbose, parseLogLevel } from "../../src/log/levels.js";
import { InputError } from "../../src/util/errors.js";

describe("log levels", () => {
  it("parses --log-level values case-insensitively and rejects others with the choices", () => {
    expect(parseLogLevel("DEBUG")).toBe("debug");
    expect(parseLogLevel(" silent ")).toBe("silent");
    expect(() => parseLogLevel("verbose")).toThrow(InputError);
    try {
      parseLogLevel("verbose");
    } catch (e) {
      expect((e as InputError).message).toBe('--log-level: unknown log level "verbose"');
      expect((e as InputError).hint).toContain("trace, debug, info, warn, error, fatal, silent");
    }
  });

  it("keeps the file at info or more verbose", () => {
    expect(fileLevelFor("error")).toBe("info");
    expect(fileLevelFor("silent")).toBe("info");
    expect(fileLevelFor("info")).toBe("info");
    expect(fileLevelFor("debug")).toBe("debug");
    expect(fileLevelFor("trace")).toBe("trace");
    expect(moreVerbose("warn", "debug")).toBe("debug");
  });

  it("names numeric levels by the nearest standard level below", () => {
    expect(levelName(10)).toBe("trace");
    expect(levelName(30)).toBe("info");
    expect(levelName(45)).toBe("warn");
    expect(levelName(60)).toBe("fatal");
    expect(levelName(1)).toBe("trace");
  });
});
