/**
 * The pipeline.leakage keys the detectors read: the bundled YAML states exactly the schema's
 * defaults, and bad values are refused with the key that is wrong.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLED_CONFIG_DIR, PACKAGE_ROOT } from "../../src/config/config-dir.js";
import { ConfigError, formatIssue } from "../../src/config/issues.js";
import { loadConfig } from "../../src/config/load.js";
import { leakageSchema } from "../../src/config/schema/leakage.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-leakage-cfg-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function issues(input: unknown): string[] {
  const r = leakageSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("pipeline.leakage for the detectors", () => {
  it("the bundled config/pipeline/leakage.yaml states the schema's defaults", () => {
    const cfg = loadConfig({ configDir: BUNDLED_CONFIG_DIR, cwd: PACKAGE_ROOT });
    expect(cfg.value.pipeline.leakage).toEqual(leakageSchema.parse({}));
  });

  it("has every threshold the detectors use, with sensible defaults", () => {
    const d = leakageSchema.parse({});
    expect(d.thresholds).toMatchObject({
      target_correlation: 0.95,
      target_agreement: 0.95,
      importance_dominance: 0.5,
      feature_association: { suspicious: 0.2, implausible: 0.4 },
      future_past_ratio: 3,
      min_t_stat: 3,
    });
    expect(d.sentinels).toMatchObject({ shift_bars: 1, shuffle_repeats: 20, future_shift_windows: 2, max_retained_share: 0.5, holdout_min_share: 0.3 });
    expect(d.quick_model).toMatchObject({ enabled: true, family: "lightgbm", folds: 3 });
  });

  it("refuses inconsistent or out-of-range values, naming the key", () => {
    expect(issues({ thresholds: { feature_association: { suspicious: 0.5, implausible: 0.3 } } })).toEqual([
      "thresholds.feature_association.implausible: implausible must be greater than suspicious",
    ]);
    expect(issues({ thresholds: { target_agreement: 0.4 } })[0]).toMatch(/^thresholds\.target_agreement: /);
    expect(issues({ thresholds: { future_past_ratio: 0.5 } })[0]).toMatch(/^thresholds\.future_past_ratio: /);
    expect(issues({ sentinels: { max_retained_share: 1 } })[0]).toMatch(/^sentinels\.max_retained_share: /);
    expect(issues({ quick_model: { family: "catboost" } })[0]).toMatch(/^quick_model\.family: .*"lightgbm"/);
    expect(issues({ quick_model: { folds: 1 } })[0]).toMatch(/^quick_model\.folds: /);
    expect(issues({ prescan: { max_cells: 10 } })[0]).toMatch(/^prescan\.max_cells: /);
  });

  it("a misspelt key in a config file is an error with file, line and a suggestion", () => {
    const root = join(tmp, "typo");
    mkdirSync(join(root, "config", "pipeline"), { recursive: true });
    writeFileSync(join(root, "config", "pipeline", "leakage.yaml"), "pipeline:\n  leakage:\n    quick_model:\n      n_estimator: 10\n");
    let err: unknown;
    try {
      loadConfig({ cwd: root });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).issues.map(formatIssue);
    expect(text).toEqual(["config/pipeline/leakage.yaml:4:7 pipeline.leakage.quick_model.n_estimator: unknown key (did you mean pipeline.leakage.quick_model.n_estimators?)"]);
  });
});
