import { Command, CommanderError } from "commander";
import { captureIo } from "../../src/cli/io.js";
import { registerRunsCommands } from "../../src/cli/commands/runs.js";
import { createRun, type Run } from "../../src/runs/run.js";
import { isFoxmlError } from "../../src/util/errors.js";

export { tempDir, readJson } from "../runs/helpers.js";

export interface MakeRunOptions {
  name?: string;
  seed?: number;
  /** The resolved config; defaults to a small one varying with the seed. */
  config?: unknown;
  dataFingerprint?: string | null;
  /** Headline figures, set in order. */
  headline?: Record<string, number | string>;
  /** Stages run in order, each finished with these figures (or failed when `fail` is set). */
  stages?: { name: string; figures?: Record<string, number | string>; outcome?: string; warnings?: string[]; fail?: string }[];
  status?: "succeeded" | "failed" | "running";
  /** Run start time (ms); the clock then moves by one second per event. */
  start?: number;
}

export function baseConfig(seed = 7, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    experiment: { name: "study", description: "" },
    pipeline: { determinism: { seed }, leakage: { purge_buffer_bars: 5 }, data: { symbols: ["AAPL", "MSFT"] } },
    targets: [
      { name: "fwd_ret_5", definition: { kind: "forward_return", horizon: 5 } },
      { name: "fwd_ret_20", definition: { kind: "forward_return", horizon: 20 } },
    ],
    families: [{ name: "gbdt", variant: "balanced", hyperparameters: { depth: 6 } }],
    ...extra,
  };
}

/** A finished (or deliberately running) run folder with the given figures, without git. */
export async function makeRun(runsDir: string, o: MakeRunOptions = {}): Promise<Run> {
  let t = o.start ?? Date.parse("2026-11-28T10:15:00.000Z");
  const now = () => (t += 1000);
  const seed = o.seed ?? 7;
  const run = createRun({
    runsDir,
    name: o.name ?? "default",
    config: { resolved: o.config ?? baseConfig(seed) },
    dataFingerprint: o.dataFingerprint === undefined ? "f".repeat(64) : o.dataFingerprint,
    seed,
    argv: ["run", "--set", `pipeline.determinism.seed=${seed}`],
    git: false,
    now,
  });
  for (const st of o.stages ?? [{ name: "data", figures: { symbols: 30, bars: 1000 }, outcome: "30 symbols, 1000 bars" }]) {
    const timer = run.summary.stageTimer(st.name);
    for (const w of st.warnings ?? []) run.summary.warn(st.name, w, { symbol: "AAPL" });
    if (st.fail !== undefined) timer.fail(new Error(st.fail));
    else timer.finish({ figures: st.figures, outcome: st.outcome });
  }
  for (const [k, v] of Object.entries(o.headline ?? { best_ic: 0.05, symbols: 30 })) run.summary.headline(k, v);
  const status = o.status ?? "succeeded";
  if (status !== "running") run.finish(status, status === "failed" ? new Error("the run failed") : undefined);
  else run.log.close();
  return run;
}

/** Runs `foxml <argv>` with only the runs commands, handling errors as src/cli/main.ts does. */
export async function runsCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  let code = 0;
  const program = new Command("foxml").exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerRunsCommands(program, { io, setExitCode: (c) => (code = c) });
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride();
      sub.configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
      inherit(sub);
    }
  };
  inherit(program);
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
