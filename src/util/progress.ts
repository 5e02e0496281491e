/**
 * Progress for long work (ranking thousands of target x family jobs, hashing big files, training).
 *
 * On a terminal: one bar on stderr redrawn in place, `[#####.....] 45% 450/1000 ranking ETA 12s`,
 * at most every `redrawMs` so a tight loop calling `tick()` does not flood the terminal.
 * Elsewhere (CI logs, files, pipes): plain lines, at most one every `intervalMs` and one at
 * completion, because carriage returns turn captured logs into noise.
 *
 * The clock is injectable, so tests are deterministic. `writeAbove` lets the console logger print a
 * log line while a bar is showing: the bar is erased, the line written, the bar drawn again below.
 */

/** Where progress goes: stderr-like text output and whether it is a terminal. `CliIo` fits. */
export interface ProgressOutput {
  err(text: string): void;
  isTTY: boolean;
}

/** Adapts a Node writable (e.g. process.stderr) to a ProgressOutput. */
export function progressOutputFor(stream: { write(text: string): unknown; isTTY?: boolean }, isTTY = Boolean(stream.isTTY)): ProgressOutput {
  return { err: (t) => void stream.write(t), isTTY };
}

export interface ProgressOptions {
  /** What is being done, e.g. "ranking" or "hash data". */
  label: string;
  /** Number of units of work; omit (or 0) when unknown: then counts and rate are shown without a bar. */
  total?: number;
  out: ProgressOutput;
  /** Milliseconds clock; defaults to Date.now. */
  now?: () => number;
  /** Not a terminal: at most one line per this many ms (plus the completion line). Default 10 000. */
  intervalMs?: number;
  /** Terminal: redraw at most once per this many ms. Default 100. */
  redrawMs?: number;
  /** Bar width in characters. Default 20. */
  width?: number;
}

const CLEAR_LINE = "\r\x1b[K";
const activeBars = new WeakMap<ProgressOutput, Progress>();

/**
 * Writes `text` to `out.err`; if a progress bar is showing there, erases it first and redraws it
 * after, so log lines and the bar never overwrite each other.
 */
export function writeAbove(out: ProgressOutput, text: string): void {
  const bar = out.isTTY ? activeBars.get(out) : undefined;
  if (bar === undefined) {
    out.err(text);
    return;
  }
  out.err(CLEAR_LINE + text);
  bar.redraw();
}

export class Progress {
  readonly label: string;
  private total: number;
  private doneCount = 0;
  private readonly out: ProgressOutput;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly redrawMs: number;
  private readonly width: number;
  private readonly startedAt: number;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private lastLineAt: number;
  private finished = false;

  constructor(opts: ProgressOptions) {
    this.label = opts.label;
    this.total = validTotal(opts.total);
    this.out = opts.out;
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.redrawMs = opts.redrawMs ?? 100;
    this.width = Math.max(1, Math.floor(opts.width ?? 20));
    this.startedAt = this.now();
    // A non-terminal line is due only once `intervalMs` has passed: short work prints just its completion line.
    this.lastLineAt = this.startedAt;
    if (this.out.isTTY) {
      activeBars.set(this.out, this);
      this.draw(this.startedAt);
    }
  }

  get done(): number {
    return this.doneCount;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** `n` more units are done. */
  tick(n = 1): void {
    this.update(this.doneCount + n);
  }

  /** Sets the number of units done so far. */
  update(done: number): void {
    if (this.finished) return;
    if (!Number.isFinite(done) || done < 0) throw new RangeError(`progress ${this.label}: done must be a finite number >= 0, got ${done}`);
    this.doneCount = done;
    const t = this.now();
    if (this.out.isTTY) {
      if (t - this.lastDrawAt >= this.redrawMs) this.draw(t);
    } else if (t - this.lastLineAt >= this.intervalMs && !(this.total > 0 && done >= this.total)) {
      // (A count at the total is left to the completion line.)
      this.lastLineAt = t;
      this.out.err(this.plainLine(t, false));
    }
  }

  /** The amount of work became known or changed. */
  setTotal(total: number): void {
    this.total = validTotal(total);
  }

  /** Marks the work complete: a final bar (terminal) or line, ending with a newline. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.total > 0 && this.doneCount < this.total) this.doneCount = this.total;
    this.end(true);
  }

  /** Stops without claiming completion (the work failed or was cancelled); leaves the last state visible. */
  stop(): void {
    if (this.finished) return;
    this.finished = true;
    this.end(false);
  }

  /** Draws the bar again (terminal only); used by `writeAbove`. */
  redraw(): void {
    if (this.out.isTTY && !this.finished) this.draw(this.now());
  }

  private end(completed: boolean): void {
    const t = this.now();
    if (this.out.isTTY) {
      this.out.err(`${CLEAR_LINE}${this.barLine(t, completed ? "done" : "stopped")}\n`);
      if (activeBars.get(this.out) === this) activeBars.delete(this.out);
    } else {
      this.out.err(this.plainLine(t, true, completed));
    }
  }

  private draw(t: number): void {
    this.lastDrawAt = t;
    this.out.err(CLEAR_LINE + this.barLine(t, "running"));
  }

  private barLine(t: number, state: "running" | "done" | "stopped"): string {
    const elapsed = t - this.startedAt;
    const tail = state === "done" ? `done in ${formatDuration(elapsed)}` : state === "stopped" ? `stopped after ${formatDuration(elapsed)}` : this.eta(elapsed);
    if (this.total <= 0) return join([`${this.doneCount}`, this.label, state === "running" ? this.rate(elapsed) : tail]);
    const fraction = Math.min(1, this.doneCount / this.total);
    const filled = Math.floor(fraction * this.width);
    const bar = `[${"#".repeat(filled)}${".".repeat(this.width - filled)}]`;
    return join([bar, `${Math.floor(fraction * 100)}%`, `${this.doneCount}/${this.total}`, this.label, tail]);
  }

  private plainLine(t: number, final: boolean, completed = true): string {
    const elapsed = t - this.startedAt;
    const count = this.total > 0 ? `${this.doneCount}/${this.total} (${Math.floor(Math.min(1, this.doneCount / this.total) * 100)}%)` : `${this.doneCount}`;
    const tail = final
      ? completed
        ? `done in ${formatDuration(elapsed)}`
        : `stopped after ${formatDuration(elapsed)}`
      : join([`elapsed ${formatDuration(elapsed)}`, this.total > 0 ? this.eta(elapsed) : this.rate(elapsed)]);
    return `${this.label}: ${count} ${tail}\n`;
  }

  private eta(elapsedMs: number): string {
    if (this.doneCount <= 0 || elapsedMs <= 0 || this.total <= 0) return "";
    const remaining = Math.max(0, this.total - this.doneCount);
    return `ETA ${formatDuration((elapsedMs / this.doneCount) * remaining)}`;
  }

  private rate(elapsedMs: number): string {
    if (elapsedMs <= 0 || this.doneCount <= 0) return "";
    const perSecond = (this.doneCount * 1000) / elapsedMs;
    return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toPrecision(3)}/s`;
  }
}

export function createProgress(opts: ProgressOptions): Progress {
  return new Progress(opts);
}

/** Runs `fn` with a progress reporter and finishes it (or stops it, if `fn` throws). */
export async function withProgress<T>(opts: ProgressOptions, fn: (p: Progress) => Promise<T> | T): Promise<T> {
  const p = new Progress(opts);
  try {
    const out = await fn(p);
    p.finish();
    return out;
  } catch (e) {
    p.stop();
    throw e;
  }
}

/** "0.4s", "12s", "3m04s", "1h02m": short, fixed-format durations for humans. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = ms / 1000;
  if (s < 10) return `${(Math.round(s * 10) / 10).toFixed(1)}s`;
  const total = Math.round(s);
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  return `${m}m${String(total % 60).padStart(2, "0")}s`;
}

function validTotal(total: number | undefined): number {
  if (total === undefined) return 0;
  if (!Number.isFinite(total) || total < 0) throw new RangeError(`progress total must be a finite number >= 0, got ${total}`);
  return total;
}

function join(parts: string[]): string {
  return parts.filter((p) => p !== "").join(" ");
}
