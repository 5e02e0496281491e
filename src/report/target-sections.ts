/**
 * The report's section for one target: confidence tier, feature selection, the leakage gate's
 * findings, the models (metrics, folds, training, backtests) and their charts.
 */
import type { EvaluationFile, SelectionFile, TrainingFile } from "../artifacts/run-files.js";
import { count, duration, fixed, percent, signed, MISSING } from "./format.js";
import { badge, notAvailable, table, type ChartRenderer, type Column } from "./blocks.js";
import { evaluationPath, leakageReportPath, selectionPath, trainingDir, type RunData, type TargetData } from "./read-run.js";
import { stageNote } from "./run-sections.js";
import { html, type Html } from "./safe-html.js";
import type { LeakageCheckView, LeakageReportView } from "./schemas.js";
import { agreementSpec, consensusSpec, drawdownSpec, equitySpec, icSpec } from "./specs.js";

export async function targetSection(data: RunData, t: TargetData, anchor: string, charts: ChartRenderer): Promise<Html> {
  const r = t.ranking;
  const dropped = r !== null && !r.kept;
  // A target dropped at ranking has no later files by design; say so rather than "missing".
  const why = (stage: string) => (dropped ? `The target was dropped at ranking (${r.reason}), so later stages skip it.` : stageNote(data, stage, t.name));
  const metric = t.evaluation?.metric ?? r?.metric ?? t.training[0]?.metric ?? "ic";
  const spec = t.leakage?.target;
  const intro = r
    ? html`<p>${r.type} target, horizon ${r.horizon} bar(s), scored by ${r.metric}. Rank ${r.rank} of ${data.rankings?.targets.length ?? MISSING}: ${badge(r.kept ? "kept" : "dropped")} ${r.reason}</p>`
    : html`<p>${spec ? `${spec.type} target, horizon ${spec.horizon} bar(s). ` : ""}<span class="note">Not ranked${data.rankings === null ? " (target_rankings.json is missing)" : " (not in target_rankings.json)"}.</span></p>`;
  const head = html`<h2>Target <code>${t.name}</code> ${t.confidence ? badge(t.confidence.tier) : ""}</h2>
${intro}`;
  if (dropped && t.selection === null && t.evaluation === null && t.training.length === 0 && t.confidence === null) {
    return html`<section class="target" id="${anchor}">${head}
<p class="note">Not selected, trained or evaluated: later stages skip targets dropped at ranking.</p>
<h3>Leakage gate</h3>${leakage(t, stageNote(data, "leakage", t.name))}
</section>`;
  }
  return html`<section class="target" id="${anchor}">
${head}
<h3>Confidence</h3>${confidence(t, data.confidence !== null, why("evaluation"))}
<h3>Feature selection</h3>${await selection(t.selection, charts, selectionPath(t.name), why("selection"))}
<h3>Leakage gate</h3>${leakage(t, stageNote(data, "leakage", t.name))}
<h3>Models${data.nested !== null ? html` <span class="note">(not nested: optimistic; the nested figures are under Honest out-of-sample figures)</span>` : ""}</h3>${models(t.evaluation, t.training, metric, evaluationPath(t.name), trainingDir(t.name), why("evaluation"), why("training"))}
<h3>${metric.toUpperCase()} over time</h3>${await charts.figure(
    t.evaluation ? icSpec(t.evaluation.models, metric) : null,
    `Rolling mean of the cross-sectional ${metric} per timestamp, out of sample; dashed: ensembles.`,
    t.evaluation ? html`<p class="note">No model has an ${metric} series.</p>` : notAvailable(`${metric} series`, evaluationPath(t.name), why("evaluation")),
  )}
<h3>Backtests</h3>${await backtestCharts(t.evaluation, charts, evaluationPath(t.name), why("evaluation"))}
</section>`;
}

function confidence(t: TargetData, fileFound: boolean, why: string): Html {
  const c = t.confidence;
  if (c === null) return fileFound ? notAvailable("Confidence tier", null, `target_confidence.json has no row for this target. ${why}`) : notAvailable("Confidence tier", "target_confidence.json", why);
  return html`<p>${badge(c.tier)} best model ${c.best_model ? html`<code>${c.best_model}</code>` : MISSING}, score ${signed(c.score, 4)}</p>
<ul class="reasons">${c.reasons.map((x) => html`<li>${x}</li>`)}</ul>`;
}

async function selection(s: SelectionFile | null, charts: ChartRenderer, file: string, why: string): Promise<Html> {
  if (s === null) return notAvailable("Feature selection", file, why);
  const methods = table(
    [{ label: "Method" }, { label: "Weight", num: true }, { label: "Status" }, { label: "Seconds", num: true }, { label: "Error" }],
    s.methods.map((m) => [m.method, fixed(m.weight, 2), badge(m.status === "ok" ? "succeeded" : "failed"), fixed(m.seconds, 1), m.error ? html`<span class="err">${m.error}</span>` : ""]),
  );
  const consensus = await charts.figure(consensusSpec(s), "Consensus score of the top features (bars: blue selected, grey not) and each method's normalized importance (points).", html`<p class="note">No candidate features.</p>`);
  const agreement = await charts.figure(agreementSpec(s.agreement), "Spearman correlation between the methods' feature rankings.", html`<p class="note">Fewer than two methods ran, so there is no agreement to show.</p>`);
  const byName = new Map(s.consensus.map((c) => [c.feature, c]));
  const selectedRows = s.selected.map((f) => {
    const c = byName.get(f);
    return [f, c ? c.rank : MISSING, c ? fixed(c.score, 3) : MISSING, c ? c.cluster : MISSING, c?.reason ?? ""];
  });
  const clusters = s.clusters.filter((c) => c.members.length > 1);
  const clusterRows = clusters.map((c) => {
    const others = c.members.filter((m) => m !== c.representative);
    const shown = others.slice(0, 12).join(", ");
    return [c.id, c.representative, count(c.members.length), others.length > 12 ? `${shown}, and ${others.length - 12} more` : shown];
  });
  const sig = s.significance;
  const gate = sig?.enabled === true ? html` ${count(sig.passed ?? 0)} beat noise at the significance gate (q &lt;= ${sig.alpha}, ${sig.correction});` : "";
  return html`<p>${count(s.candidates)} candidate feature(s) after the leakage gate's exclusions;${gate} ${count(s.selected.length)} selected.</p>
${methods}
${consensus}
${agreement}
<h4>Selected features</h4>
${selectedRows.length > 0 ? table([{ label: "Feature" }, { label: "Rank", num: true }, { label: "Score", num: true }, { label: "Cluster", num: true }, { label: "Why" }], selectedRows) : html`<p class="na">${s.no_usable_features ?? "No feature was selected."}</p>`}
<h4>Correlated clusters</h4>
${clusterRows.length > 0 ? table([{ label: "Cluster", num: true }, { label: "Representative" }, { label: "Members", num: true }, { label: "Others" }], clusterRows) : html`<p class="note">Every feature is its own cluster.</p>`}`;
}

function leakage(t: TargetData, why: string): Html {
  const full = t.leakage;
  if (full === null) {
    const sum = t.leakageSummary;
    if (sum === null) return notAvailable("Leakage gate report", leakageReportPath(t.name), why);
    return html`${notAvailable("Full leakage gate report", leakageReportPath(t.name), "Shown from the run's leakage_report.json instead.")}
<p>Gate status ${badge(sum.status)}, verdict ${badge(sum.verdict)}.</p>
${sum.excluded.length > 0 ? table([{ label: "Excluded feature" }, { label: "Round", num: true }, { label: "Reason" }], sum.excluded.map((e) => [e.feature, e.round, e.reason])) : html`<p>No feature excluded.</p>`}
${sum.suspicious.length > 0 ? html`<p>Suspicious (kept for review): ${sum.suspicious.map((f, i) => html`${i > 0 ? ", " : ""}<code>${f}</code>`)}</p>` : ""}`;
  }
  return leakageDetails(full);
}

function leakageDetails(r: LeakageReportView): Html {
  const rounds = table(
    [{ label: "Round", num: true }, { label: "Features", num: true }, { label: "Leaks" }, { label: "Suspicious" }, { label: "Quick model" }],
    r.rounds.map((x) => [
      x.round,
      count(x.features_checked),
      x.leak.join(", ") || "none",
      x.suspicious.join(", ") || "none",
      x.model ? `${x.model.family} on ${x.model.features} feature(s): ${x.model.metric} ${signed(x.model.score, 4)} (target's own past: ${signed(x.model.baseline, 4)})` : `not run${x.model_skipped ? `: ${x.model_skipped}` : ""}`,
    ]),
  );
  const excluded = r.excluded.length > 0 ? table([{ label: "Excluded feature" }, { label: "Round", num: true }, { label: "Checks" }, { label: "Reason" }], r.excluded.map((e) => [e.feature, e.round, e.checks.join(", "), e.reason])) : html`<p>No feature excluded.</p>`;
  const suspicious = Object.entries(r.features).filter(([, f]) => f.verdict === "SUSPICIOUS");
  const suspiciousPart =
    suspicious.length > 0
      ? html`<h4>Suspicious features (kept, for review)</h4>${table(
          [{ label: "Feature" }, { label: "Check" }, { label: "Explanation" }],
          suspicious.flatMap(([name, f]) => f.checks.filter((c) => c.verdict !== "OK").map((c) => [name, c.check, c.explanation])),
        )}`
      : "";
  const checks = [...r.model_checks, ...r.sentinels];
  const flagged = checks.filter((c) => c.verdict !== "OK");
  const checksPart =
    flagged.length > 0
      ? html`<h4>Model checks and sentinels that did not pass</h4>${table([{ label: "Check" }, { label: "Verdict" }, { label: "Figure" }, { label: "Explanation" }], flagged.map((c) => [c.check, badge(c.verdict), evidence(c), c.explanation]))}`
      : html`<p class="note">All ${checks.length} model checks and sentinels passed.</p>`;
  return html`<p>Gate status ${badge(r.status)}, verdict ${badge(r.verdict)}; ${r.rounds.length} round(s).</p>
${rounds}
${excluded}
${suspiciousPart}
${checksPart}`;
}

function evidence(c: LeakageCheckView): string {
  const v = (x: number | string | null) => (typeof x === "number" ? fixed(x, 4) : (x ?? MISSING));
  return `${c.evidence.figure} ${v(c.evidence.value)} (threshold ${v(c.evidence.threshold)})`;
}

function models(e: EvaluationFile | null, training: readonly TrainingFile[], metric: string, evalFile: string, trainDir: string, whyEval: string, whyTrain: string): Html {
  const parts: Html[] = [];
  if (e === null) parts.push(notAvailable("Model evaluation", evalFile, whyEval));
  else {
    const metricCols: Array<[keyof EvaluationFile["models"][number]["metrics"], string, (v: number | null) => string]> = [
      ["ic", "IC", (v) => signed(v, 4)],
      ["rank_ic", "Rank IC", (v) => signed(v, 4)],
      ["icir", "ICIR", (v) => fixed(v, 2)],
      ["ic_t", "IC t", (v) => fixed(v, 2)],
      ["r2", "R²", (v) => signed(v, 4)],
      ["auc", "AUC", (v) => fixed(v, 3)],
      ["hit_rate", "Hit rate", (v) => percent(v, 1)],
    ];
    // Columns with no value for any model (AUC of a regression target) are left out.
    const shown = metricCols.filter(([k]) => e.models.some((m) => m.metrics[k] !== null));
    parts.push(
      html`<p>${count(e.models.length)} model(s) scored on the same out-of-fold predictions; best by ${e.metric}: ${e.best ? html`<code>${e.best}</code>` : MISSING}.</p>`,
      table(
        [{ label: "Model" }, { label: "Kind" }, ...shown.map(([, label]) => ({ label, num: true }))],
        e.models.map((m) => [m.name === e.best ? html`<strong>${m.name}</strong>` : m.name, m.kind, ...shown.map(([k, , f]) => f(m.metrics[k]))]),
      ),
    );
    const folds = [...new Set(e.models.flatMap((m) => m.folds.map((f) => f.fold)))].sort((a, b) => a - b);
    const foldKey = e.models.some((m) => m.folds.some((f) => f.ic !== null)) ? "ic" : "auc";
    if (folds.length > 0) {
      parts.push(
        html`<h4>Per fold (${foldKey.toUpperCase()})</h4>`,
        table(
          [{ label: "Model" }, ...folds.map((f) => ({ label: `fold ${f}`, num: true }))],
          e.models.map((m) => [m.name, ...folds.map((f) => signed(m.folds.find((x) => x.fold === f)?.[foldKey] ?? null, 4))]),
        ),
      );
    }
    const bt = e.models.flatMap((m) => m.backtests.map((b) => ({ m, b })));
    parts.push(html`<h4>Backtests (out of sample, net of costs)</h4>`);
    if (bt.length === 0) parts.push(html`<p class="note">No backtest was run.</p>`);
    else {
      const cols: Column[] = [
        { label: "Model" },
        { label: "Strategy" },
        { label: "Annual return", num: true },
        { label: "Annual vol", num: true },
        { label: "Sharpe", num: true },
        { label: "IR", num: true, help: "information ratio against the benchmark" },
        { label: "Max drawdown", num: true },
        { label: "Turnover", num: true },
        { label: "PSR", num: true, help: "probabilistic Sharpe ratio: P(true Sharpe > 0)" },
        { label: "Deflated Sharpe", num: true, help: `P(true Sharpe > the best expected by chance among ${e.trials} trials)` },
      ];
      parts.push(
        table(
          cols,
          bt.map(({ m, b }) => [m.name, b.strategy, percent(b.annual_return), percent(b.annual_volatility), fixed(b.sharpe, 2), fixed(b.information_ratio, 2), percent(b.max_drawdown), fixed(b.turnover, 2), fixed(b.probabilistic_sharpe, 3), fixed(b.deflated_sharpe, 3)]),
        ),
        html`<p class="note">The deflated Sharpe counts ${count(e.trials)} trial(s) (families × tuning trials × ensembles): the chance that the Sharpe ratio beats the best one expected from that many tries on noise.</p>`,
      );
    }
  }
  parts.push(html`<h4>Training</h4>`);
  if (training.length === 0) parts.push(notAvailable("Training results", `${trainDir}/*.json`, whyTrain));
  else {
    parts.push(
      table(
        [
          { label: "Family" },
          { label: "Variant" },
          { label: "Status" },
          { label: metric.toUpperCase(), num: true },
          { label: "t", num: true },
          { label: "Folds", num: true },
          { label: "Train rows", num: true, help: "mean per fold" },
          { label: "Tuning" },
          { label: "Time", num: true },
          { label: "Top features" },
        ],
        training.map((tr) => {
          const trainRows = tr.folds.length > 0 ? Math.round(tr.folds.reduce((a, f) => a + f.train_rows, 0) / tr.folds.length) : null;
          return [
            tr.family,
            tr.variant,
            badge(tr.status),
            signed(tr.score, 4),
            fixed(tr.t_stat, 2),
            count(tr.folds.length),
            count(trainRows),
            tr.hpo ? `${tr.hpo.trials} trials (${tr.hpo.pruned} pruned), best ${signed(tr.hpo.best_score, 4)}` : "none",
            duration(tr.seconds),
            tr.importance
              .slice(0, 5)
              .map((i) => i.feature)
              .join(", "),
          ];
        }),
      ),
    );
  }
  return html`${parts}`;
}

async function backtestCharts(e: EvaluationFile | null, charts: ChartRenderer, file: string, why: string): Promise<Html> {
  if (e === null) return notAvailable("Equity and drawdown curves", file, why);
  const none = html`<p class="note">No backtest series.</p>`;
  return html`${await charts.figure(equitySpec(e.models), "Cumulative net return (equity − 1) per rebalance, one panel per strategy.", none)}
${await charts.figure(drawdownSpec(e.models), "Drawdown from the running peak per rebalance, one panel per strategy.", none)}`;
}
