import { beforeAll, describe, expect, it } from "vitest";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg, tidySvg } from "../../src/report/charts.js";
import { readRun, type RunData } from "../../src/report/read-run.js";
import { agreementSpec, consensusSpec, drawdownSpec, equitySpec, icSpec, leakageSpec, targetRankingSpec } from "../../src/report/specs.js";
import { tempDir } from "../runs/helpers.js";
import { buildFixtureRun, IC_POINTS } from "./fixture.js";

const clippedLine: TopLevelSpec = {
  data: { values: Array.from({ length: 50 }, (_, i) => ({ t: Date.UTC(2021, 0, 1 + i), v: Math.sin(i / 5), s: i % 2 ? "a" : "b" })) },
  width: 200,
  height: 80,
  mark: { type: "line", clip: true },
  encoding: { x: { field: "t", type: "temporal", scale: { type: "utc" } }, y: { field: "v", type: "quantitative", scale: { domain: [-0.5, 0.5] } }, color: { field: "s", type: "nominal" } },
};

const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);

describe("tidySvg", () => {
  it("renumbers ids and their references, rounds coordinates, drops namespaces, and leaves text alone", () => {
    const raw =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10.16" viewBox="0 0 10.16 20"><defs><clipPath id="clip7"><path d="M0.123456,1.98765L-0.04,3"/></clipPath><linearGradient id="gradient_3"/></defs>' +
      '<g clip-path="url(#clip7)" fill="url(#gradient_3)" transform="translate(4.99999999913437,15)"><text x="1.25">id="clip7" 1.23456</text></g><use href="#clip7"/></svg>';
    expect(tidySvg(raw, "c4")).toBe(
      '<svg width="10.2" viewBox="0 0 10.2 20"><defs><clipPath id="c4-1"><path d="M0.1,2L0,3"/></clipPath><linearGradient id="c4-2"/></defs>' +
        '<g clip-path="url(#c4-1)" fill="url(#c4-2)" transform="translate(5,15)"><text x="1.3">id="clip7" 1.23456</text></g><use href="#c4-1"/></svg>',
    );
  });
});

describe("renderSvg", () => {
  it("gives the same SVG on every call although vega's id counters move on", async () => {
    const a = await renderSvg(clippedLine, "c1");
    const b = await renderSvg(clippedLine, "c1");
    expect(a).toBe(b);
    expect(a.startsWith('<svg role="img" aria-label="chart"')).toBe(true);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).every((id) => id.startsWith("c1-"))).toBe(true);
    expect(a).not.toMatch(/xmlns|http/);
  });

  it("keeps the ids of two charts on one page apart", async () => {
    const a = ids(await renderSvg(clippedLine, "c1"));
    const b = ids(await renderSvg(clippedLine, "c2"));
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
  });

  it("refuses an id prefix that is not a plain name", async () => {
    await expect(renderSvg(clippedLine, '1"x')).rejects.toThrow(/invalid id prefix/);
  });

  it("escapes names from the data in labels and the chart's label", async () => {
    const svg = await renderSvg({ description: "for <b>", data: { values: [{ f: "<img src=x onerror=alert(1)>", v: 1 }] }, mark: "bar", encoding: { y: { field: "f", type: "nominal" }, x: { field: "v", type: "quantitative" } } }, "c1");
    expect(svg).not.toContain("<img");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;img src=x");
  });
});

describe("chart specs from run files", () => {
  let data: RunData;
  beforeAll(() => {
    const tmp = tempDir("foxml-report-specs-");
    data = readRun(buildFixtureRun(tmp.path));
    tmp.remove();
  });

  it("orders the ranking by rank and colours kept and dropped targets", () => {
    const spec = targetRankingSpec(data.rankings!) as { data: { values: Array<{ target: string; status: string }> } };
    expect(spec.data.values.map((v) => [v.target, v.status])).toEqual([
      ["fwd_ret_5", "kept"],
      ["fwd_ret_20", "kept"],
      ["fwd_up_10", "kept"],
      ["fwd_ret_60", "dropped"],
    ]);
  });

  it("shows the top features of the consensus in rank order, with each method's importance", () => {
    const sel = data.targets[0].selection!;
    const spec = consensusSpec(sel, 10) as { layer: Array<{ data: { values: Array<{ feature: string; status?: string; method?: string }> } }> };
    const bars = spec.layer[0].data.values;
    expect(bars.map((b) => b.feature)).toEqual(sel.consensus.slice(0, 10).map((c) => c.feature));
    expect(bars.filter((b) => b.status === "selected").map((b) => b.feature)).toEqual(sel.consensus.slice(0, 10).filter((c) => c.selected).map((c) => c.feature));
    expect(spec.layer[1].data.values).toHaveLength(10 * 4);
    expect(consensusSpec({ ...sel, consensus: [] })).toBeNull();
  });

  it("draws the agreement matrix cell by cell, marking missing correlations", () => {
    const spec = agreementSpec(data.targets[2].selection!.agreement) as { data: { values: Array<{ rho: number | null; label: string }> } };
    expect(spec.data.values).toHaveLength(16);
    expect(spec.data.values.filter((c) => c.rho === null).every((c) => c.label === "n/a")).toBe(true);
    expect(spec.data.values.filter((c) => c.rho === null)).toHaveLength(7);
    expect(agreementSpec({ methods: ["only"], matrix: [[1]] })).toBeNull();
  });

  it("has no leakage chart when nothing was flagged", () => {
    expect(leakageSpec([], ["a"])).toBeNull();
    const spec = leakageSpec(
      [
        { target: "a", feature: "z_suspicious", finding: "suspicious (kept)" },
        { target: "a", feature: "leaky", finding: "excluded (leak)" },
      ],
      ["a", "b"],
    ) as { encoding: { y: { sort: string[] } } };
    // Leaks first, whatever their name.
    expect(spec.encoding.y.sort).toEqual(["leaky", "z_suspicious"]);
  });

  it("thins long series to the chart's point budget", () => {
    const models = data.targets[0].evaluation!.models;
    const ic = icSpec(models, "ic") as { layer: Array<{ data: { values: unknown[] } }> };
    // 4 models x 600 defined points (20 warm-up nulls) thinned to 400 each.
    expect(models[0].ic_series.values.length).toBe(IC_POINTS);
    expect(ic.layer[0].data.values).toHaveLength(4 * 400);
    const eq = equitySpec(models) as { data: { values: unknown[] } };
    expect(eq.data.values).toHaveLength(8 * 150);
    expect(drawdownSpec(models)).not.toBeNull();
    expect(icSpec([], "ic")).toBeNull();
    expect(equitySpec(models.map((m) => ({ ...m, backtests: [] })))).toBeNull();
  });
});
