import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main, PACKAGE_VERSION } from "../../src/cli/main.js";
import { captureIo, messageLine } from "../../src/cli/io.js";

describe("foxml CLI", () => {
  it("prints help and exits 0", async () => {
    const io = captureIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout).toContain("Usage: foxml");
  });

  it("exits 2 on an unknown option, with a usage hint", async () => {
    const io = captureIo();
    expect(await main(["--no-such-option"], io)).toBe(2);
    expect(io.stderr).toContain("unknown option");
  });

  it("reports the package.json version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(PACKAGE_VERSION).toBe(pkg.version);
    const io = captureIo();
    expect(await main(["--version"], io)).toBe(0);
    expect(io.stdout.trim()).toBe(pkg.version);
  });
});

describe("error messages", () => {
  it("messageLine ends a message with exactly one newline", () => {
    expect(messageLine("error: x")).toBe("error: x\n");
    expect(messageLine("hint: y\n")).toBe("hint: y\n");
    expect(messageLine("hint: two\nlines \n\n")).toBe("hint: two\nlines\n");
  });

  // Usage mistakes (commander), input errors with hints (InputError, ConfigError) across commands.
  const cases: string[][] = [
    ["data", "inspect"],
    ["data", "inspect", "no/such/file.csv"],
    ["data", "inspect", "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv", "--interval", "7m"],
    ["data", "inspect", "x.csv", "--set", "pipeline.leakage.seed=1"],
    ["data", "synth"],
    ["leakage", "--data", "no/such/file.csv", "--target", "fwd_ret_1"],
    ["leakage", "--target", "fwd_ret_1"],
    ["run", "--set", "pipeline.no_such_key=1"],
    ["report", "no/such/run"],
    ["no-such-command"],
  ];
  for (const argv of cases) {
    it(`foxml ${argv.join(" ")}: every stderr line ends with a newline, no blank line after`, async () => {
      const io = captureIo();
      const code = await main(argv, io);
      expect(code).not.toBe(0);
      expect(io.stderr).toMatch(/^error: /);
      expect(io.stderr.endsWith("\n")).toBe(true);
      expect(io.stderr.endsWith("\n\n")).toBe(false);
    });
  }
});
