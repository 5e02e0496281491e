import { Option, type Command } from "commander";
import { stringify } from "yaml";
import type { CommandContext } from "../program.js";
import { InputError } from "../../util/errors.js";
import { generateMarket } from "../../data/synth/generate.js";
import { writeMarket } from "../../data/synth/write.js";
import { readSynthConfigFile } from "../../data/synth/config-file.js";
import { parseSynthConfig, type IssuePath, type Locator } from "../../data/synth/config-errors.js";
import { SYNTH_FORMATS, SYNTH_INTERVALS, SYNTH_LAYOUTS, type SynthConfig } from "../../data/synth/config.js";
import type { GroundTruth } from "../../data/synth/truth.js";
import { generateTicks, writeTicksCsv } from "../../data/synth/ticks.js";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

interface SynthOptions {
  config?: string;
  seed?: string;
  symbols?: string;
  bars?: string;
  start?: string;
  end?: string;
  interval?: string;
  format?: string;
  layout?: string;
  plantSignals?: boolean;
  plantLeaks?: boolean;
  force?: boolean;
  printConfig?: boolean;
  ticks?: boolean;
  days?: string;
}

type Raw = Record<string, unknown>;

function integerOption(flag: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new InputError(`${flag} must be an integer, got '${text}'`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new InputError(`${flag} must be an integer >= ${min}, got '${text}'`);
  return n;
}

function section(raw: Raw, key: string): Raw {
  const v = raw[key];
  if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) return (raw[key] = {}) as Raw;
  if (v === undefined) raw[key] = {};
  return raw[key] as Raw;
}

/**
 * Command-line flags win over the config file. Each flag remembers the key it set, so an error
 * in the combined configuration names the flag rather than a line of the file.
 */
function applyFlags(raw: Raw, o: SynthOptions): Map<string, string> {
  const setBy = new Map<string, string>();
  const set = (path: string[], value: unknown, flag: string) => {
    let obj = raw;
    for (const k of path.slice(0, -1)) obj = section(obj, k);
    obj[path[path.length - 1]] = value;
    setBy.set(path.join("."), flag);
  };
  if (o.seed !== undefined) set(["seed"], integerOption("--seed", o.seed, -Number.MAX_SAFE_INTEGER), "--seed");
  if (o.symbols !== undefined) {
    const names = o.symbols.split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (names.length === 0) throw new InputError("--symbols needs a count or comma-separated names");
    const count = names.length === 1 && /^\d+$/.test(names[0]);
    set(["symbols"], count ? integerOption("--symbols", names[0], 1) : names, "--symbols");
  }
  if (o.bars !== undefined) {
    set(["bars"], integerOption("--bars", o.bars, 2), "--bars");
    delete raw.end;
  }
  if (o.end !== undefined) {
    set(["end"], o.end, "--end");
    delete raw.bars;
  }
  if (o.start !== undefined) set(["start"], o.start, "--start");
  if (o.interval !== undefined) set(["interval"], o.interval, "--interval");
  if (o.format !== undefined) set(["output", "format"], o.format, "--format");
  if (o.layout !== undefined) set(["output", "layout"], o.layout, "--layout");
  if (o.plantSignals) set(["signals", "plant"], true, "--plant-signals");
  if (o.plantLeaks) set(["leaks", "plant"], true, "--plant-leaks");
  return setBy;
}

function resolveOptions(o: SynthOptions): SynthConfig {
  let raw: Raw = {};
  let fileLocate: Locator | undefined;
  if (o.config !== undefined) {
    const file = readSynthConfigFile(o.config);
    raw = structuredClone(file.raw);
    fileLocate = file.locate;
  }
  const setBy = applyFlags(raw, o);
  const locate: Locator = (path: IssuePath) => {
    const key = path.map(String).join(".");
    for (const [k, flag] of setBy) if (key === k || key.startsWith(`${k}.`) || key.startsWith(`${k}[`)) return flag;
    return fileLocate?.(path);
  };
  const source = o.config !== undefined ? `synth options (${o.config} and command line)` : "synth options";
  return parseSynthConfig(raw, source, locate);
}

function describePlanted(t: GroundTruth): string[] {
  const lines: string[] = [];
  if (t.signals.length) lines.push(`  signals:  ${t.signals.map((s) => `${s.name} (horizon ${s.horizon}, IC ${s.ic})`).join(", ")}`);
  if (t.noise.length) lines.push(`  noise:    ${t.noise.map((n) => n.name).join(", ")}`);
  if (t.leaks.length) lines.push(`  leaks:    ${t.leaks.map((l) => `${l.name} (${l.kind})`).join(", ")}`);
  const predictable = t.targets.filter((x) => x.predictable).map((x) => x.horizon);
  if (t.signals.length) lines.push(`  predictable forward-return horizons: ${predictable.join(", ") || "none"}`);
  return lines;
}

/** Adds `synth` to the `data` command: `foxml data synth OUT [options]`. */
export function addSynthCommand(data: Command, ctx: CommandContext): void {
  data
    .command("synth")
    .description(
      "generate a synthetic market with realistic stylized facts and known answers (planted signals, noise features and leaks), " +
        "for testing; writes OUT/ with the data and synth_manifest.json (settings and ground truth)",
    )
    .argument("[out]", "output folder to create (must not exist unless --force)")
    .option("--config <file>", "YAML file of generator settings (see --print-config for every key)")
    .option("--seed <n>", "random seed: the same seed and settings give byte-identical output")
    .option("--symbols <n|names>", "number of symbols, or comma-separated names")
    .option("--bars <n>", "bars on the common time axis (instead of an end date)")
    .option("--start <date>", "first calendar date, YYYY-MM-DD")
    .option("--end <date>", "last calendar date, YYYY-MM-DD (instead of --bars)")
    .addOption(new Option("--interval <interval>", "bar size").choices([...SYNTH_INTERVALS]))
    .addOption(new Option("--format <format>", "file format").choices([...SYNTH_FORMATS]))
    .addOption(new Option("--layout <layout>", "one long file, symbol=SYM/SYM.<format> folders, or a folder of SYM.csv").choices([...SYNTH_LAYOUTS]))
    .option("--plant-signals", "add signal columns (sig_*) that predict known forward returns, and pure-noise columns (noise_*)")
    .option("--plant-leaks", "add columns that contain future information (leak_*)")
    .option("--ticks", "write quote and trade ticks instead of bars: OUT/ticks.csv, NYSE sessions, Poisson arrivals (with --seed, --symbols, --start, --days)")
    .option("--days <n>", "with --ticks: trading days (default 15)")
    .option("--force", "replace OUT if it exists")
    .option("--print-config", "print the resolved settings (defaults, --config, flags) as YAML and exit")
    .action(async (out: string | undefined, o: SynthOptions) => {
      if (o.ticks) {
        ctx.io.out(writeTickMarket(out, o));
        return;
      }
      if (o.days !== undefined) throw new InputError("--days goes with --ticks", "bars take --bars or --end");
      const config = resolveOptions(o);
      if (o.printConfig) {
        ctx.io.out(stringify(config));
        return;
      }
      if (out === undefined) throw new InputError("missing the output folder", "usage: foxml data synth OUT [options]");
      const started = performance.now();
      const market = generateMarket(config);
      const written = await writeMarket(market, out, { force: o.force });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const axis = market.truth.time_axis;
      const lines = [
        `wrote ${market.series.length} symbols, ${written.rows} rows of ${axis.interval} bars (${axis.first} .. ${axis.last}) in ${seconds} s`,
        `  data:     ${written.dataPath} (${written.format}, ${written.layout})`,
        `  manifest: ${written.manifestPath}`,
        ...describePlanted(market.truth),
      ];
      ctx.io.out(`${lines.join("\n")}\n`);
    });
}

/** `foxml data synth OUT --ticks`: one long CSV of quotes and trades (src/data/synth/ticks.ts). */
function writeTickMarket(out: string | undefined, o: SynthOptions): string {
  for (const [flag, v] of [["--bars", o.bars], ["--end", o.end], ["--interval", o.interval], ["--format", o.format], ["--layout", o.layout], ["--config", o.config], ["--plant-signals", o.plantSignals], ["--plant-leaks", o.plantLeaks]] as const) {
    if (v !== undefined) throw new InputError(`${flag} does not go with --ticks`, "ticks take --seed, --symbols, --start and --days");
  }
  if (out === undefined) throw new InputError("missing the output folder", "usage: foxml data synth OUT --ticks [options]");
  const names = o.symbols?.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const count = names && names.length === 1 && /^\d+$/.test(names[0]) ? integerOption("--symbols", names[0], 1) : null;
  const symbols = count !== null ? Array.from({ length: count }, (_, i) => `T${String(i + 1).padStart(2, "0")}`) : names;
  const start = o.start;
  if (start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new InputError(`--start must be a date like 2024-03-04, got '${start}'`);
  if (existsSync(out)) {
    if (!o.force) throw new InputError(`${out} exists`, "choose another folder, or pass --force to replace it");
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
  const rows = generateTicks({
    seed: o.seed !== undefined ? integerOption("--seed", o.seed, -Number.MAX_SAFE_INTEGER) : 1,
    symbols,
    start,
    tradingDays: o.days !== undefined ? integerOption("--days", o.days, 1) : undefined,
  });
  const path = join(out, "ticks.csv");
  writeTicksCsv(path, rows);
  return `wrote ${rows.length} ticks of ${new Set(rows.map((r) => r.symbol)).size} symbols to ${path}\n`;
}
