/**
 * A run is a folder: `runs/<UTC time>-<name>/` with manifest.json (what ran), logs.jsonl (what it
 * said), summary.json (what happened, briefly) and one subfolder per stage (what it produced).
 *
 * `createRun` claims a new folder and writes the manifest; `openRun` reopens an existing one to
 * continue it (`--resume`). Everything a run writes goes through `run.path()` / `run.stageDir()`,
 * which refuse paths leading outside the folder, and through the atomic writers.
 *
 *   const run = createRun({ runsDir: "runs", name: "default", config: { resolved, hash }, seed, argv, console: ctx.io });
 *   await run.execute(async () => {
 *     await run.summary.runStage("ranking", async (stage) => { ...; stage.finish({ outcome, figures }); });
 *   });
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createLogger, type FoxLogger } from "../log/logger.js";
import { fileLevelFor, type LogLevel, type SinkLevel } from "../log/levels.js";
import { redactArgv, redactSecrets, SecretMasker } from "../log/redact.js";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.js";
import { NoResultError } from "../util/errors.js";
import { hashJson } from "../util/hash.js";
import type { ProgressOutput } from "../util/progress.js";
import { gitInfo, platformInfo, softwareVersions } from "./environment.js";
import { claimRunDir } from "./id.js";
import { MANIFEST_FILE, MANIFEST_FORMAT, readManifest, type DataFingerprint, type RunManifest } from "./manifest.js";
import { assertStageName, resolveInside } from "./paths.js";
import { RunSummary, SUMMARY_FILE, type Instant, type RunStatus } from "./summary.js";

export const LOG_FILE = "logs.jsonl";

/** How a run's logs reach the console (the file always gets logs.jsonl). */
export interface RunLogOptions {
  /** stderr-like output for readable log lines (pass the command's CliIo); omit for file-only logging. */
  console?: ProgressOutput | null;
  /** Console level (`--log-level`); default "info". The file keeps at least "info". */
  logLevel?: SinkLevel;
  /** Overrides the file level (otherwise the more verbose of the console level and "info"). */
  fileLogLevel?: LogLevel;
  color?: boolean;
  /** Milliseconds clock, for deterministic tests. */
  now?: () => number;
}

export interface CreateRunOptions extends RunLogOptions {
  /** Folder holding all runs (e.g. "runs"); created if missing. */
  runsDir: string;
  /** Run name; becomes the folder name's suffix after cleaning (the exact name is kept in the manifest). */
  name: string;
  /** The resolved config and its hash (computed with hashJson when omitted). */
  config: { resolved: unknown; hash?: string };
  dataFingerprint?: DataFingerprint | null;
  seed: number;
  /** The command line as typed (without node and script); secrets are masked before it is stored. */
  argv: readonly string[];
  /** Working directory recorded in the manifest and asked for its git commit; default process.cwd(). */
  cwd?: string;
  /** Ask git for the commit (default true); off for huge repositories where `git status` is slow. */
  git?: boolean;
}

export interface OpenRunOptions extends RunLogOptions {
  /** The freshly resolved config (with its secrets), so those secrets are masked in what the run writes next. */
  config?: unknown;
}

export class Run {
  readonly id: string;
  readonly dir: string;
  readonly log: FoxLogger;
  readonly summary: RunSummary;
  /** Secret values this run must never write; shared by its log, manifest and summary. */
  readonly masker: SecretMasker;
  private manifestData: RunManifest;
  private finished = false;
  private readonly writeObservers = new Set<(relative: string) => void>();

  /** @internal use createRun / openRun */
  constructor(parts: { id: string; dir: string; manifest: RunManifest; log: FoxLogger; summary: RunSummary; masker: SecretMasker }) {
    this.id = parts.id;
    this.dir = parts.dir;
    this.manifestData = parts.manifest;
    this.log = parts.log;
    this.summary = parts.summary;
    this.masker = parts.masker;
  }

  get manifest(): Readonly<RunManifest> {
    return this.manifestData;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Absolute path of `relative` inside the run folder; refuses paths that would leave it. */
  path(relative: string): string {
    return resolveInside(this.dir, relative);
  }

  /** The folder of one stage (`<run>/<stage>/`), created if needed. */
  stageDir(stage: string): string {
    assertStageName(stage);
    const dir = join(this.dir, stage);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Writes a JSON file inside the run, atomically. */
  writeJson(relative: string, value: unknown): string {
    const p = this.path(relative);
    writeJsonAtomic(p, value);
    for (const o of this.writeObservers) o(relative);
    return p;
  }

  /** Writes a text or binary file inside the run, atomically. */
  writeFile(relative: string, data: string | Uint8Array): string {
    const p = this.path(relative);
    writeFileAtomic(p, data);
    for (const o of this.writeObservers) o(relative);
    return p;
  }

  /** Calls `observer` with the relative path of every file written through writeJson / writeFile until the returned function is called. */
  observeWrites(observer: (relative: string) => void): () => void {
    this.writeObservers.add(observer);
    return () => this.writeObservers.delete(observer);
  }

  /** Records the data fingerprint once the data has been read (rewrites manifest.json atomically). */
  setDataFingerprint(fingerprint: DataFingerprint): void {
    this.manifestData = { ...this.manifestData, data_fingerprint: fingerprint };
    writeManifest(this.dir, this.manifestData, this.masker);
    this.log.info("data fingerprint recorded", { data_fingerprint: typeof fingerprint === "string" ? fingerprint : undefined });
  }

  /**
   * Ends the run: final summary, a last log record, logs.jsonl released. Calling it again does
   * nothing (the first outcome stands).
   */
  finish(status: Exclude<RunStatus, "running">, error?: unknown, at?: Instant): void {
    if (this.finished) return;
    this.finished = true;
    this.summary.finish(status, error, at);
    const { duration_s } = this.summary.snapshot();
    if (status === "succeeded") this.log.info("run finished", { status, duration_s, dir: this.dir });
    else if (status === "no_result") this.log.error("run ended without a result", { status, duration_s, dir: this.dir, ...(error === undefined ? {} : { err: error }) });
    else this.log.error("run failed", { status, duration_s, dir: this.dir, ...(error === undefined ? {} : { err: error }) });
    this.log.flush();
    this.log.close();
  }

  /**
   * Runs `fn`, then finishes the run as succeeded; as no_result when `fn` throws a NoResultError
   * (nothing usable came out), or as failed on any other error; both are recorded and re-thrown.
   */
  async execute<T>(fn: (run: Run) => Promise<T> | T): Promise<T> {
    let out: T;
    try {
      out = await fn(this);
    } catch (e) {
      this.finish(e instanceof NoResultError ? "no_result" : "failed", e);
      throw e;
    }
    this.finish("succeeded");
    return out;
  }
}

/** Creates a new run folder with its manifest, log and summary. */
export function createRun(opts: CreateRunOptions): Run {
  if (!Number.isInteger(opts.seed)) throw new RangeError(`createRun: seed must be an integer, got ${opts.seed}`);
  const now = opts.now ?? Date.now;
  const createdAt = now();
  const masker = new SecretMasker();
  // Secrets in the config or on the command line are learnt first, so nothing written later shows them.
  masker.addFrom(opts.config.resolved);
  const argv = redactArgv(opts.argv, masker);
  const configHash = opts.config.hash ?? hashJson(opts.config.resolved);
  const cwd = resolve(opts.cwd ?? process.cwd());

  const { id, dir } = claimRunDir(opts.runsDir, createdAt, opts.name);
  const manifest: RunManifest = {
    format: MANIFEST_FORMAT,
    format_version: 1,
    run_id: id,
    name: opts.name,
    created_at: new Date(createdAt).toISOString(),
    config: { hash: configHash, resolved: redactSecrets(opts.config.resolved) },
    data_fingerprint: opts.dataFingerprint ?? null,
    seed: opts.seed,
    command: { argv, cwd },
    versions: softwareVersions(),
    platform: platformInfo(),
    git: opts.git === false ? null : gitInfo(cwd),
  };
  writeManifest(dir, manifest, masker);

  const log = runLogger(dir, id, masker, opts);
  const summary = RunSummary.start({ runId: id, name: opts.name, configHash, startedAt: createdAt }, { path: join(dir, SUMMARY_FILE), log, masker, now });
  log.info("run created", { dir, config_hash: configHash, seed: opts.seed, git_commit: manifest.git?.commit });
  return new Run({ id, dir, manifest, log, summary, masker });
}

/**
 * Reopens an existing run folder to continue it: validates manifest.json (an InputError naming the
 * problem if it is missing or damaged), appends to logs.jsonl and resumes summary.json.
 */
export function openRun(dir: string, opts: OpenRunOptions = {}): Run {
  const manifest = readManifest(dir);
  const masker = new SecretMasker();
  // The manifest holds the config with secrets redacted; the caller's fresh config has the values.
  if (opts.config !== undefined) masker.addFrom(opts.config);
  const log = runLogger(dir, manifest.run_id, masker, opts);
  const summary = RunSummary.resume(
    { runId: manifest.run_id, name: manifest.name, configHash: manifest.config.hash },
    { path: join(dir, SUMMARY_FILE), log, masker, now: opts.now },
  );
  log.info("run reopened", { dir });
  return new Run({ id: manifest.run_id, dir, manifest, log, summary, masker });
}

function runLogger(dir: string, runId: string, masker: SecretMasker, opts: RunLogOptions): FoxLogger {
  return createLogger({
    runId,
    file: join(dir, LOG_FILE),
    fileLevel: opts.fileLogLevel ?? fileLevelFor(opts.logLevel ?? "info"),
    console: opts.console ? { out: opts.console, level: opts.logLevel ?? "info", color: opts.color } : null,
    masker,
    now: opts.now,
  });
}

function writeManifest(dir: string, manifest: RunManifest, masker: SecretMasker): void {
  writeFileAtomic(join(dir, MANIFEST_FILE), masker.maskJson(JSON.stringify(manifest, null, 2)) + "\n");
}
