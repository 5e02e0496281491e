/**
 * The stage-timing table of summary.json ("where the time went"): per stage its start and end, wall
 * and CPU seconds, jobs computed and reused from the job store, and whether it was loaded whole.
 */
import { z } from "zod";

export const STAGE_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "interrupted"] as const;

/**
 * One row of the stage-timing table ("where the time went"): rebuilt from the stages at every
 * write, in the order they started, so it always agrees with them.
 */
export const TimingRowSchema = z.object({
  stage: z.string(),
  status: z.enum(STAGE_STATUSES),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  wall_s: z.number().nullable(),
  cpu_s: z.number().nullable(),
  jobs_run: z.number().int().nonnegative(),
  jobs_reused: z.number().int().nonnegative(),
  /** The stage's outputs were loaded from the job store instead of computed. */
  reused: z.boolean(),
});
export type TimingRow = z.infer<typeof TimingRowSchema>;

/** The fields of a stage entry the table is made of. */
export interface StageTiming {
  status: (typeof STAGE_STATUSES)[number];
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  cpu_s: number | null;
  jobs: { run: number; reused: number };
  reused: boolean;
}

/** A moment of the run: wall clock (ms) and process CPU (s), read once so two writers agree on it. */
export interface Instant {
  ms: number;
  cpuS: number;
}

export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The stage-timing table of `data`, in the order the stages appear (the order they started). */
export function timingTable(data: { stages: Record<string, StageTiming> }): TimingRow[] {
  return Object.entries(data.stages).map(([stage, s]) => ({
    stage,
    status: s.status,
    started_at: s.started_at,
    finished_at: s.finished_at,
    wall_s: s.duration_s,
    cpu_s: s.cpu_s,
    jobs_run: s.jobs.run,
    jobs_reused: s.jobs.reused,
    reused: s.reused,
  }));
}

