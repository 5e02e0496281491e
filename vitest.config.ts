import { defineConfig } from "vitest/config";
import SummaryLineReporter from "./test/support/summary-reporter.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: more forks only oversubscribe.
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", new SummaryLineReporter()],
  },
});
