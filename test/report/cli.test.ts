import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { registerReportCommand } from "../../src/cli/commands/report.js";
import { isFoxmlError } from "../../src/util/errors.js";
import { tempDir } from "../runs/helpers.js";
import { buildFixtureRun, RUN_ID } from "./fixture.js";

/** Runs `foxml <argv>` with only the report command, handling errors as src/cli/main.ts does. */
async function reportCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  let code = 0;
  const program = new Command("foxml").exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerReportCommand(program, { io, setExitCode: (c) => (code = c) });
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) code = e.code === "commander.helpDisplayed" || e.code === "commander.help" ? 0 : 2;
    else if (isFoxmlError(e)) {
      io.err(`error: ${e.message}\n`);
      if (e.hint) io.err(`hint: ${e.hint}\n`);
      code = e.exitCode;
    } else {
      io.err(`internal error: ${(e as Error).stack}\n`);
      code = 1;
    }
  }
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe("foxml report", () => {
  let tmp: ReturnType<typeof tempDir>;
  let run: string;
  beforeAll(() => {
    tmp = tempDir("foxml-report-cli-");
    // Without selection and evaluation files: fewer charts, a faster test; the pages are tested elsewhere.
    run = buildFixtureRun(join(tmp.path, RUN_ID), { omit: ["selection", "evaluation"] });
  });
  afterAll(() => tmp.remove());

  it("documents its argument and options", async () => {
    const r = await reportCli(["report", "--help"]);
    expect(r.code).toBe(0);
    for (const s of ["<run-dir>", "--out <file>", "offline"]) expect(r.stdout).toContain(s);
  });

  it("writes report.html into the run folder and prints its path", async () => {
    const r = await reportCli(["report", run]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(`${join(run, "report.html")}\n`);
    expect(readFileSync(join(run, "report.html"), "utf8")).toContain("<!DOCTYPE html>");
  });

  it("writes to --out instead", async () => {
    const out = join(tmp.path, "out", "momentum.html");
    const r = await reportCli(["report", run, "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    expect(existsSync(out)).toBe(true);
  });

  it("exits 2 with a clear message for a missing folder, a folder that is not a run, or a folder as --out", async () => {
    const missing = await reportCli(["report", join(tmp.path, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: run folder .*nope does not exist\nhint: pass the folder printed by `foxml run`/);
    mkdirSync(join(tmp.path, "not-a-run"));
    const notRun = await reportCli(["report", join(tmp.path, "not-a-run")]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toContain("is not a FoxML run folder");
    const outDir = await reportCli(["report", run, "--out", tmp.path]);
    expect(outDir.code).toBe(2);
    expect(outDir.stderr).toContain("is a folder");
    expect((await reportCli(["report"])).code).toBe(2);
  });

  it("exits 2 naming a damaged file", async () => {
    const damaged = buildFixtureRun(join(tmp.path, "damaged"), { omit: ["selection", "evaluation"] });
    writeFileSync(join(damaged, "target_confidence.json"), "[{");
    const r = await reportCli(["report", damaged]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${join(damaged, "target_confidence.json")}: not valid JSON`);
    expect(existsSync(join(damaged, "report.html"))).toBe(false);
  });
});
