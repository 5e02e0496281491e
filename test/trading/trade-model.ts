/** The trading tests' model: a fast run on the bundled Dow data (test/fixtures/experiments/trade.yaml) saving one ridge model on fwd_ret_5. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

/** Trains into `dir`/runs and returns the run folder. */
export async function trainTradeModel(dir: string): Promise<string> {
  const out = join(dir, "runs");
  const io = captureIo();
  const code = await main(["run", "--experiment", "test/fixtures/experiments/trade.yaml", "--out", out, "--log-level", "silent"], io);
  expect(io.stderr).toBe("");
  expect(code).toBe(0);
  return join(out, readdirSync(out).filter((f) => !f.startsWith("registry"))[0]);
}
