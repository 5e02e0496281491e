import { mkdirSync, readFileSync } from "node:fs";
import { writeJsonAtomic } from "../../src/util/atomic.js";
import { join } from "node:path";
import { startDashboard, type Dashboard } from "../../src/dashboard/server.js";
import { makeRun, baseConfig } from "../registry/helpers.js";
import { buildFixtureRun, RUN_ID } from "../report/fixture.js";
import { tempDir } from "../runs/helpers.js";

export const LIVE_ID = "20261130T090000Z-live";

/** A runs folder with the report's fixture run (hostile names), a running copy of it, and two small runs to compare. */
export async function dashboardFixture(): Promise<{ runsDir: string; dash: Dashboard; cleanup(): Promise<void>; fixtureId: string; compareIds: [string, string] }> {
  const tmp = tempDir("foxml-dashboard-");
  const runsDir = join(tmp.path, "runs");
  mkdirSync(runsDir, { recursive: true });
  buildFixtureRun(join(runsDir, RUN_ID), { hostile: true });
  buildFixtureRun(join(runsDir, LIVE_ID), { status: "running" });
  const a = await makeRun(runsDir, { name: "base", seed: 7, config: baseConfig(7), headline: { best_ic: 0.05, symbols: 30 }, start: Date.UTC(2026, 11, 1, 10) });
  const b = await makeRun(runsDir, { name: "wider", seed: 7, config: baseConfig(7, { pipeline: { determinism: { seed: 7 }, leakage: { purge_buffer_bars: 20 }, data: { symbols: ["AAPL", "MSFT"] } } }), headline: { best_ic: 0.042, symbols: 30 }, start: Date.UTC(2026, 11, 1, 11) });
  const dash = await startDashboard({ runsDir, port: 0, host: "127.0.0.1", progressIntervalMs: 100 });
  return {
    runsDir,
    dash,
    fixtureId: RUN_ID,
    compareIds: [a.id, b.id],
    cleanup: async () => {
      await dash.close();
      tmp.remove();
    },
  };
}

/** Marks the running fixture run finished, as the pipeline's last summary write does. */
export function finishLiveRun(runsDir: string): void {
  const path = join(runsDir, LIVE_ID, "summary.json");
  const s = JSON.parse(readFileSync(path, "utf8"));
  s.status = "succeeded";
  s.finished_at = "2026-11-30T09:30:00.000Z";
  s.duration_s = 1800;
  writeJsonAtomic(path, s);
}
