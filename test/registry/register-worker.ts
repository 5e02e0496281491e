/**
 * Child process for the concurrency test: registers the given run folders `rounds` times,
 * syncing the whole registry between rounds. Exits non-zero on any error.
 * Usage: node --import tsx register-worker.ts RUNS_DIR ROUNDS RUN_DIR...
 */
import { registerRun, syncRegistry } from "../../src/registry/index.js";

const [runsDir, rounds, ...dirs] = process.argv.slice(2);
try {
  for (let r = 0; r < Number(rounds); r++) {
    for (const dir of dirs) registerRun(dir);
    const report = syncRegistry(runsDir);
    if (report.problems.length > 0) throw new Error(`sync problems: ${JSON.stringify(report.problems)}`);
  }
} catch (e) {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(3);
}
