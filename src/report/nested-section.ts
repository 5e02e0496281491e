/**
 * The report's "Honest out-of-sample figures" section: the nested figures (nested/nested.json),
 * each beside the stages' own figure on the same cells, so a reader sees which figures are nested
 * and how optimistic the others were. Without nesting the section says the figures further down
 * are not nested.
 */
import { notAvailable, table } from "./blocks.js";
import { count, fixed, signed, timestamp } from "./format.js";
import type { RunData } from "./read-run.js";
import { RUN_FILES } from "./read-run.js";
import { html, type Html } from "./safe-html.js";

export function nestedSection(data: RunData): Html {
  const n = data.nested;
  if (n === null) {
    return html`<section id="nested"><h2>Honest out-of-sample figures</h2>${notAvailable(
      "Nested figures",
      RUN_FILES.nested,
      "Nested validation was off (pipeline.nesting.mode) or did not run: every figure in this report comes from stages that chose the targets, features and hyperparameters on the same periods they are scored on, so they are optimistic.",
    )}</section>`;
  }
  const what =
    n.mode === "holdout"
      ? html`The final period (${timestamp(n.outer_folds[0]?.test_start)} to ${timestamp(n.outer_folds[0]?.test_end)}) was hidden from every stage and predicted once by models fitted on everything before it.`
      : html`Target ranking, feature selection and the hyperparameter search were rerun inside each of ${count(n.outer_folds.length)} outer walk-forward folds on that fold's training part only (purged by the label window); the models then predicted the fold's test block, which no choice had seen.`;
  const folds = table(
    [{ label: "Outer fold", num: true }, { label: "Test from" }, { label: "Test to" }, { label: "Bars", num: true }],
    n.outer_folds.map((f) => [f.fold, timestamp(f.test_start), timestamp(f.test_end), count(f.bars)]),
  );
  const rows = n.targets.flatMap((t) =>
    t.models.map((m) => [
      t.target,
      m.name === t.best ? html`<strong>${m.name}</strong>` : m.name,
      `${t.kept_folds}/${t.folds}`,
      signed(m.score, 4),
      fixed(m.score_t, 2),
      fixed(m.deflated_sharpe, 2),
      signed(m.not_nested_score, 4),
      fixed(m.not_nested_score_t, 2),
      fixed(m.not_nested_deflated_sharpe, 2),
    ]),
  );
  return html`<section id="nested"><h2>Honest out-of-sample figures</h2>
<p><strong>These are the nested figures</strong> (mode ${n.mode}); the confidence tiers and the headline figures come from them. ${what} A target has predictions only in the folds whose inner ranking kept it. The model tables under each target further down are <strong>not nested</strong>: they come from stages that chose on the same periods they score, and are optimistic.</p>
${folds}
${
  rows.length > 0
    ? table(
        [
          { label: "Target" },
          { label: "Model" },
          { label: "Kept in folds", help: "outer folds whose inner ranking kept the target" },
          { label: "Nested score", num: true, help: "the target's metric on the outer test blocks" },
          { label: "Nested t", num: true },
          { label: "Nested DSR", num: true, help: "deflated Sharpe ratio counting every candidate target and configuration tried" },
          { label: "Not nested score", num: true, help: "the stages' own out-of-fold predictions on the same cells (optimistic)" },
          { label: "Not nested t", num: true },
          { label: "Not nested DSR", num: true },
        ],
        rows,
      )
    : html`<p>No target was kept in any outer fold: nothing was predicted.</p>`
}
${n.notes.length > 0 ? html`<ul>${n.notes.map((x) => html`<li>${x}</li>`)}</ul>` : ""}
</section>`;
}
