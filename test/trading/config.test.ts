/**
 * The pipeline.trading block: validated strictly, and a strategy of another kind in a higher layer
 * replaces the default one instead of inheriting its keys.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { BUNDLED_CONFIG_DIR } from "../../src/config/config-dir.js";
import { tradingSchema } from "../../src/trading/schema.js";
import { tempTree } from "../config/helpers.js";

describe("pipeline.trading", () => {
  it("an experiment switching the strategy kind gets that kind's keys only", () => {
    const dir = tempTree({ "exp.yaml": "name: t\npipeline:\n  trading:\n    strategy:\n      kind: vol_scaled\n      target_vol: 0.2\n" });
    const cfg = loadConfig({ configDir: BUNDLED_CONFIG_DIR, experimentPath: join(dir, "exp.yaml"), cwd: dir });
    expect(cfg.value.pipeline.trading.strategy).toEqual({ kind: "vol_scaled", threshold: 0, target_vol: 0.2, vol_window: 60, max_weight: 1 });
    expect(cfg.sourceOf("pipeline.trading.strategy.kind")).toMatch(/exp\.yaml:5$/);
    // The bundled file keeps the built-in defaults.
    const base = loadConfig({ configDir: BUNDLED_CONFIG_DIR, experimentPath: null, cwd: dir });
    expect(base.value.pipeline.trading).toEqual(tradingSchema.parse({}));
  });

  it("rejects misspelt guardrails, keys of another strategy kind and unknown time zones", () => {
    expect(tradingSchema.safeParse({ risk: { max_drawdwn: 0.2 } }).success).toBe(false);
    expect(tradingSchema.safeParse({ strategy: { kind: "sign", quantile: 0.2 } }).success).toBe(false);
    expect(tradingSchema.safeParse({ risk: { market_hours: { enabled: true, timezone: "Mars/Olympus" } } }).success).toBe(false);
    expect(tradingSchema.safeParse({ risk: { market_hours: { enabled: true, timezone: "Europe/London", start: "08:00", end: "16:30" } } }).success).toBe(true);
  });
});
