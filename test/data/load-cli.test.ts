import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";

const root = mkdtempSync(join(tmpdir(), "foxml-cli-data-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const FIXTURES = fileURLToPath(new URL("../fixtures/data/", import.meta.url));

/** Runs `foxml data inspect <path>` and returns exit code and stderr. */
async function inspect(path: string, ...extra: string[]): Promise<{ code: number; stderr: string }> {
  const io = captureIo();
  const code = await main(["data", "inspect", path, ...extra], io);
  return { code, stderr: io.stderr };
}

function expectUserError(r: { code: number; stderr: string }, ...parts: (string | RegExp)[]): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(/\nhint: /);
  // No stack trace, no internal-error hint.
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain("internal error");
  for (const p of parts) expect(r.stderr).toMatch(p);
}

describe("bad data reaches the user as a clear message with exit code 2", () => {
  it("a missing path", async () => {
    expectUserError(await inspect(join(root, "missing.csv")), /the data path .*missing\.csv does not exist/);
  });

  it("a folder with no data files", async () => {
    const dir = join(root, "empty");
    mkdirSync(dir);
    expectUserError(await inspect(dir), /no data files \(\.csv or \.parquet\) in the folder/);
  });

  it("a CSV with a ragged row", async () => {
    expectUserError(await inspect(join(FIXTURES, "ragged_row.csv")), /ragged_row\.csv line 3: 3 values, but the header \(line 1\) has 4 columns/);
  });

  it("a check set to error, through --set", async () => {
    expectUserError(
      await inspect(join(FIXTURES, "non_numeric.csv"), "--set", "pipeline.data.checks.non_numeric=error", "--set", "pipeline.data.min_bars=1"),
      /non_numeric\.csv line 4, column "close": "abc" is not a number/,
      /hint: .*pipeline\.data\.checks\.non_numeric: fix/,
    );
  });

  it("a Parquet file that is not one", async () => {
    const p = join(root, "bad.parquet");
    writeFileSync(p, "not parquet at all");
    expectUserError(await inspect(p), /cannot read .*bad\.parquet as Parquet/);
  });
});
