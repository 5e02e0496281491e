import { basename, isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../program.js";
import { InputError, isFoxmlError } from "../../util/errors.js";
import { openRegistry, type RunRegistry, type SyncReport } from "../../registry/registry.js";
import { DISPLAY_STATUSES, type DisplayStatus } from "../../registry/queries.js";
import { parseSince } from "../../registry/since.js";
import { renderComparison, renderRunDetails, renderRunList, renderSyncWarnings } from "../../registry/render.js";

interface CommonFlags {
  runsDir?: string;
  json?: boolean;
}

interface ListFlags extends CommonFlags {
  name?: string;
  status?: string;
  since?: string;
  limit: string;
  figures?: string;
}

const RUNS_DIR_HELP = "folder holding the run folders (default: pipeline.runs.dir of the config, usually ./runs)";

// `foxml runs list | show | compare | sync`: the run registry, an index of the run folders.
export function registerRunsCommands(program: Command, ctx: CommandContext): void {
  const runs = program
    .command("runs")
    .description("list, show and compare runs (indexed in <runs-dir>/registry.sqlite, rebuilt from the run folders as needed)");

  runs
    .command("list")
    .description("list runs, newest first: id, status, duration, warnings and headline figures")
    .option("--runs-dir <dir>", RUNS_DIR_HELP)
    .option("--name <name>", "only runs with this name (glob patterns with * and ? allowed)")
    .option("--status <status>", `only runs with this status: ${DISPLAY_STATUSES.join(", ")} (missing: folder deleted)`)
    .option("--since <time>", "only runs started at or after an ISO date/time, or within a span: 30m, 12h, 7d, 2w")
    .option("--limit <n>", "show at most N runs", "20")
    .option("--figures <keys>", "comma-separated headline figures to show as columns (default: the most common ones)")
    .option("--json", "print JSON instead of a table")
    .action(async (flags: ListFlags) => {
      const filter = {
        name: flags.name,
        status: flags.status === undefined ? undefined : parseStatus(flags.status),
        since: flags.since === undefined ? undefined : parseSince(flags.since, new Date()),
        limit: parseLimit(flags.limit),
      };
      await withRegistry(ctx, flags, (reg, sync) => {
        const list = reg.listRuns(filter);
        if (flags.json) return printJson(ctx, { runsDir: reg.runsDir, ...list, skipped: sync.problems });
        const figures = flags.figures?.split(",").map((k) => k.trim()).filter((k) => k !== "");
        ctx.io.out(renderRunList(list, { runsDir: reg.runsDir, figures }));
      });
    });

  runs
    .command("show")
    .description("show one run: manifest summary, stages with status/duration/outcome, figures, warnings and errors")
    .argument("<id>", "run id, or its unique beginning (e.g. 20261128T1015), the run folder's path, or a run name (its newest run)")
    .option("--runs-dir <dir>", RUNS_DIR_HELP)
    .option("--json", "print JSON")
    .action(async (id: string, flags: CommonFlags) => {
      await withRegistry(ctx, flags, (reg, sync) => {
        const run = lookup(sync, id, () => reg.getRun(id));
        if (flags.json) return printJson(ctx, run);
        ctx.io.out(renderRunDetails(run));
      });
    });

  runs
    .command("compare")
    .description("compare two or more runs: config differences key by key, data fingerprint, figures side by side with deltas against the first")
    .argument("<ids...>", "two or more runs (ids, unique beginnings, folder paths or run names); the first is the baseline")
    .option("--runs-dir <dir>", RUNS_DIR_HELP)
    .option("--json", "print JSON")
    .action(async (ids: string[], flags: CommonFlags) => {
      if (ids.length < 2) throw new InputError(`compare needs two or more runs, got ${ids.length}`, "foxml runs compare ID ID [ID...]");
      await withRegistry(ctx, flags, (reg, sync) => {
        for (const id of ids) lookup(sync, id, () => reg.getRun(id));
        const comparison = reg.compareRuns(ids);
        if (flags.json) return printJson(ctx, comparison);
        ctx.io.out(renderComparison(comparison));
      });
    });

  runs
    .command("sync")
    .description("index the run folders now (every runs command does this first); --prune forgets runs whose folders are gone")
    .option("--runs-dir <dir>", RUNS_DIR_HELP)
    .option("--prune", "remove runs whose folders were deleted from the registry")
    .option("--json", "print JSON")
    .action(async (flags: CommonFlags & { prune?: boolean }) => {
      await withRegistry(ctx, flags, (reg, sync) => {
        const pruned = flags.prune ? reg.pruneMissing() : [];
        if (flags.json) return printJson(ctx, { runsDir: reg.runsDir, registry: reg.path, ...sync, pruned });
        const parts = [`${sync.added.length} added`, `${sync.updated.length} updated`, `${sync.restored.length} restored`, `${sync.missing.length} newly missing`, `${sync.unchanged} unchanged`, `${sync.problems.length} skipped`];
        if (flags.prune) parts.push(`${pruned.length} pruned`);
        ctx.io.out(`${reg.path}: ${parts.join(", ")}\n`);
      });
    });
}

/** Opens the registry of the runs folder, syncs it (reporting damaged folders on stderr), runs `fn`, closes. */
async function withRegistry(ctx: CommandContext, flags: CommonFlags, fn: (reg: RunRegistry, sync: SyncReport) => void): Promise<void> {
  const reg = openRegistry(await runsDirFor(ctx, flags.runsDir), { inMemoryFallback: true });
  try {
    const sync = reg.sync();
    ctx.io.err(renderSyncWarnings(sync, reg.notes));
    fn(reg, sync);
  } finally {
    reg.close();
  }
}

/** `get()`, but an unknown id that names a damaged (skipped) folder says so instead of "no such run". */
function lookup<T>(sync: SyncReport, id: string, get: () => T): T {
  try {
    return get();
  } catch (e) {
    const wanted = basename(id.trim().replace(/[\\/]+$/, ""));
    const damaged = wanted === "" ? undefined : sync.problems.find((p) => p.id.startsWith(wanted));
    if (isFoxmlError(e) && damaged !== undefined && e.message.startsWith("no run")) {
      throw new InputError(`run folder ${damaged.id} is damaged and not indexed: ${damaged.message}`, damaged.hint);
    }
    throw e;
  }
}

export async function runsDirFor(ctx: CommandContext, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return resolve(flag);
  try {
    // Loaded on demand, so that --runs-dir never pays for reading the config.
    const { loadConfig } = await import("../../config/load.js");
    const dir = loadConfig({}).value.pipeline.runs.dir;
    return isAbsolute(dir) ? dir : resolve(dir);
  } catch (e) {
    ctx.io.err(`warning: could not read the config to find the runs folder (${(e as Error).message}); looking in ./runs\n`);
    return resolve("runs");
  }
}

function parseStatus(text: string): DisplayStatus {
  const s = text.trim().toLowerCase();
  if (!(DISPLAY_STATUSES as readonly string[]).includes(s)) throw new InputError(`unknown --status "${text}"`, `use one of: ${DISPLAY_STATUSES.join(", ")}`);
  return s as DisplayStatus;
}

function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InputError(`invalid --limit "${text}"`, "give a whole number of runs, 1 or more");
  return n;
}

function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2) + "\n");
}
