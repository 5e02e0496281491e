import type { Instant } from "./timing.js";
import type { RunSummary, StageResult } from "./summary.js";

/** Times one stage and ends it exactly once. */
export class StageTimer {
  private endedFlag = false;
  private readonly startedAt: number;

  constructor(
    private readonly summary: RunSummary,
    readonly stage: string,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  finish(result: StageResult = {}, at?: Instant): void {
    this.once("finish");
    this.summary.stageFinished(this.stage, result, at);
  }

  fail(error: unknown, result: StageResult = {}): void {
    this.once("fail");
    this.summary.stageFailed(this.stage, error, result);
  }

  skip(reason: string): void {
    this.once("skip");
    this.summary.stageSkipped(this.stage, reason);
  }

  private once(what: string): void {
    if (this.endedFlag) throw new Error(`stage ${this.stage} already ended; cannot ${what} it again`);
    this.endedFlag = true;
  }
}

