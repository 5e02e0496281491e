/**
 * The evaluation's series file: written beside the JSON summaries (atomically, no temp file left),
 * read back exactly (times to the millisecond, nulls as nulls), put back into the evaluation file
 * by the reader; a damaged or missing series file is a clear message, a file from before the move
 * keeps its inline series.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attachSeries, decodeSeries, encodeSeries, readEvaluationFile, seriesPathFor, writeEvaluationFiles, type NamedSeries } from "../../src/evaluation/series-file.js";
import { InputError } from "../../src/util/errors.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-series-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const times = (n: number, from = Date.UTC(2020, 0, 2, 14, 30)) => Array.from({ length: n }, (_, i) => new Date(from + i * 1_800_000).toISOString());

function evaluation() {
  return {
    target: "fwd_ret_5",
    metric: "ic",
    trials: 2,
    best: "ridge",
    models: ["ridge", "lightgbm"].map((name, k) => ({
      name,
      kind: "family" as const,
      metrics: { ic: 0.05 },
      ic_series: { times: times(7), values: [0.1, null, -0.25, 1e-300, 0.3 + k, 5e10, -0] },
      backtests: ["long_short", "sign"].map((strategy, j) => ({
        strategy,
        sharpe: 1.5 - j,
        equity: { times: times(4, Date.UTC(2021, 5, 1)), values: [0, 0.01 * (k + 1), null, -0.02] },
        drawdown: { times: times(3), values: [0, -0.1, -0.05 * j] },
      })),
    })),
  };
}

describe("series file", () => {
  it("round-trips series exactly: times to the millisecond, values as doubles, nulls", () => {
    const list: NamedSeries[] = [
      { model: "a", strategy: null, name: "ic", data: { times: times(5), values: [1.5, null, Math.PI, -1e-12, 0] } },
      { model: "a", strategy: "sign", name: "equity", data: { times: [], values: [] } },
      { model: "b, \"quoted\" ü", strategy: "vol_scaled", name: "drawdown", data: { times: ["2021-03-04T05:06:07.089Z"], values: [-0.5] } },
    ];
    expect(decodeSeries(encodeSeries(list), "x")).toEqual(list);
  });

  it("an evaluation file is written as JSON summaries plus the series file, and read back whole", () => {
    const path = join(tmp, "evaluation", "fwd_ret_5.json");
    const file = evaluation();
    writeEvaluationFiles(path, file);
    expect(readdirSync(join(tmp, "evaluation")).sort()).toEqual(["fwd_ret_5.json", "fwd_ret_5.series"]);
    const json = JSON.parse(readFileSync(path, "utf8"));
    expect(json.series_file).toBe("fwd_ret_5.series");
    expect(json.models[0].ic_series).toBeUndefined();
    expect(json.models[0].backtests[0].equity).toBeUndefined();
    expect(json.models[1].backtests[1].sharpe).toBe(0.5);
    expect(readEvaluationFile(path)).toEqual({ ...file, series_file: "fwd_ret_5.series" });
    // the JSON no longer carries the curves: much smaller than with them inline
    expect(readFileSync(path).length).toBeLessThan(JSON.stringify(file, null, 2).length);
  });

  it("a damaged series file is an InputError naming it; a missing one is a note and empty curves", () => {
    const dir = join(tmp, "damaged");
    const path = join(dir, "t.json");
    writeEvaluationFiles(path, evaluation());
    const bytes = readFileSync(seriesPathFor(path));
    writeFileSync(seriesPathFor(path), bytes.subarray(0, bytes.length - 9));
    expect(() => readEvaluationFile(path)).toThrow(InputError);
    expect(() => readEvaluationFile(path)).toThrow(seriesPathFor(path));
    writeFileSync(seriesPathFor(path), "not a series file");
    expect(() => readEvaluationFile(path)).toThrow(/not a FoxML series file \(not gzip data/);
    rmSync(seriesPathFor(path));
    const file = JSON.parse(readFileSync(path, "utf8"));
    expect(attachSeries(path, file)).toMatch(/t\.series is missing: the IC and backtest curves of t\.json are not shown/);
    expect(file.models[0].ic_series).toEqual({ times: [], values: [] });
    expect(file.models[0].backtests[0].equity).toEqual({ times: [], values: [] });
    // a series_file that points elsewhere is refused
    expect(() => attachSeries(path, { ...file, series_file: "../../etc/passwd" })).toThrow(/must be the name of a file beside it/);
  });

  it("a file written before the series moved out keeps its inline series", () => {
    const file = evaluation();
    const inline = JSON.parse(JSON.stringify(file));
    expect(attachSeries(join(tmp, "old.json"), inline)).toBeNull();
    expect(inline).toEqual(JSON.parse(JSON.stringify(file)));
  });
});
