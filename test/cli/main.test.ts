import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main, PACKAGE_VERSION } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";

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
