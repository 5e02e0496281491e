import type { Run } from "../../runs/run.js";
import type { DataOptions } from "../../data/options.js";
import { inspectData, requirePanel, type BarInspection } from "../../data/inspect.js";
import { CHECK_NAMES } from "../../data/checks/report.js";

/**
 * Stage "data": read and check the bars, detect the bar size, report gaps, align the Panel.
 * Writes data/inspect.json (the full `foxml data inspect` report) and records the fingerprint.
 */
export async function dataStage(run: Run, options: DataOptions, baseDir: string): Promise<BarInspection> {
  return run.summary.runStage("data", async (stage) => {
    const log = run.log.forStage("data");
    log.info("loading data", { path: options.path });
    const inspection = requirePanel(await inspectData(options, { baseDir }));
    const r = inspection.report;
    run.setDataFingerprint(r.fingerprint);
    run.writeJson("data/inspect.json", r);

    for (const name of CHECK_NAMES) {
      const c = r.checks.checks[name];
      if (c.count === 0) continue;
      const symbols = Object.keys(c.bySymbol).slice(0, 10);
      run.summary.warn("data", `data check ${name} (${c.action}): ${c.count} finding(s)`, { symbols });
    }
    if (r.missingStandardColumns.length > 0) {
      run.summary.warn("data", `missing standard columns: ${r.missingStandardColumns.join(", ")}; features that need them are left out`);
    }
    for (const w of r.intervalWarnings) run.summary.warn("data", w);

    run.summary.headline("symbols", r.symbols);
    run.summary.headline("bars", r.rows);
    run.summary.headline("interval", r.interval);
    if (r.ticks) run.summary.headline("ticks", r.ticks.ticks);
    run.summary.headline("date_range", `${r.start.slice(0, 10)}..${r.end.slice(0, 10)}`);
    log.info("panel aligned", { T: r.panel.T, S: r.panel.S, bytes: r.panel.bytes, density: Number(r.panel.density.toFixed(4)) });
    stage.finish({
      outcome: `${r.symbols} symbols, ${r.rows} bars, interval ${r.interval}, panel ${r.panel.T} x ${r.panel.S}`,
      figures: { symbols: r.symbols, bars: r.rows, panel_mib: Number((r.panel.bytes / 1_048_576).toFixed(2)), market_closures: r.gaps.marketClosures.length },
    });
    return inspection;
  });
}
