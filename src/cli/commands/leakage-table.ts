/**
 * `foxml leakage` without --json: the scan as a table for a terminal of 100 columns, most severe
 * feature first, each with the checks it failed (value vs threshold), then why the flagged ones were
 * flagged and what the quick model and the sentinels found.
 */
import { strongestFailure, type CheckView, type FeatureView, type TargetScan } from "../../leakage/scan.js";

const WIDTH = 100;
const VERDICT_W = 10;
const GAP = "  ";

function figure(v: number | string | null): string {
  return v === null ? "n/a" : String(v);
}

/** `name value vs threshold: what the value measures`, with the check's verdict when `note` asks for it. */
export function checkText(c: Pick<CheckView, "name" | "value" | "threshold" | "figure" | "verdict">, note = false): string {
  const vs = c.threshold === null ? figure(c.value) : `${figure(c.value)} vs ${figure(c.threshold)}`;
  return `${c.name} ${vs}${note ? ` (${c.verdict})` : ""}: ${c.figure}`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 3))}...`;
}

/** `text` broken at spaces into lines of at most `width` characters: the first after `indent`, the rest after `hanging`. */
function wrap(text: string, width: number, indent: string, hanging = indent): string[] {
  const lines: string[] = [];
  let line = "";
  const prefix = () => (lines.length === 0 ? indent : hanging);
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && prefix().length + line.length + 1 + word.length > width) {
      lines.push(prefix() + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(prefix() + line);
  return lines;
}

function failed(f: FeatureView): CheckView[] {
  // The checks that decide the verdict first, then the milder ones.
  return [...f.checks.filter((c) => !c.passed && c.verdict === f.verdict), ...f.checks.filter((c) => !c.passed && c.verdict !== f.verdict)];
}

function featureRows(f: FeatureView, nameW: number): string[] {
  const checksW = WIDTH - nameW - VERDICT_W - 2 * GAP.length;
  const lead = `${fit(f.name, nameW).padEnd(nameW)}${GAP}${f.verdict.padEnd(VERDICT_W)}${GAP}`;
  const texts = failed(f).map((c) => fit(checkText(c, c.verdict !== f.verdict), checksW));
  if (texts.length === 0) return [`${lead}-`];
  const pad = " ".repeat(lead.length);
  return texts.map((t, i) => `${i === 0 ? lead : pad}${t}`);
}

function counts(scan: TargetScan): string {
  const n = (v: string) => scan.features.filter((f) => f.verdict === v).length;
  return `${n("LEAK")} LEAK, ${n("SUSPICIOUS")} SUSPICIOUS, ${n("OK")} OK`;
}

function modelLines(scan: TargetScan, quickModel: boolean): string[] {
  const lines: string[] = [];
  const m = scan.model;
  if (m !== null) {
    lines.push(...wrap(`quick model: ${m.family} on ${m.features} feature(s), ${m.folds} purged folds: ${m.metric} ${figure(m.score)} (the lagged target alone: ${figure(m.baseline)})`, WIDTH, "", "  "));
  } else if (scan.model_skipped !== null) {
    lines.push(...wrap(`quick model: not run: ${scan.model_skipped}`, WIDTH, "", "  "));
  } else if (!quickModel) lines.push("quick model: off (pipeline.leakage.quick_model.enabled: false)");
  else lines.push("quick model: not fitted, no feature was left after the rules and the pre-scan");
  const flagged = [...scan.model_checks, ...scan.sentinels].filter((c) => !c.passed);
  const ok = [...scan.model_checks, ...scan.sentinels].filter((c) => c.passed).map((c) => c.name);
  for (const c of flagged) {
    lines.push(...wrap(`  ${c.verdict.padEnd(VERDICT_W)} ${checkText(c)}`, WIDTH, "", "             "));
    lines.push(...wrap(c.explanation, WIDTH, "             "));
  }
  if (ok.length > 0) lines.push(...wrap(`passed: ${ok.join(", ")}`, WIDTH, "  ", "    "));
  return lines;
}

export function formatTargetScan(scan: TargetScan, opts: { seconds?: number; quickModel?: boolean } = {}): string {
  const t = scan.target;
  const nameW = Math.min(32, Math.max(7, ...scan.features.map((f) => f.name.length)));
  const out: string[] = [];
  out.push(fit(`target: ${t.name} (${t.type}, label window ${t.window} bar(s))`, WIDTH));
  out.push(`features: ${scan.features.length} scanned: ${counts(scan)}`);
  out.push("");
  out.push(`${"FEATURE".padEnd(nameW)}${GAP}${"VERDICT".padEnd(VERDICT_W)}${GAP}FAILED CHECKS (value vs threshold)`);
  for (const f of scan.features) out.push(...featureRows(f, nameW));

  const flagged = scan.features.filter((f) => f.verdict !== "OK");
  if (flagged.length > 0) {
    out.push("", "why:");
    for (const f of flagged) {
      const c = strongestFailure(f);
      if (c !== null) out.push(...wrap(`${f.name}: ${c.explanation}`, WIDTH, "  ", "      "));
    }
  }
  out.push("", ...modelLines(scan, opts.quickModel ?? true));
  const rounds = Math.max(1, ...scan.features.map((f) => f.round));
  const tail = [`status: ${scan.status}`, `${rounds} detection round(s)`];
  if (opts.seconds !== undefined) tail.push(`${opts.seconds.toFixed(1)} s`);
  out.push(tail.join(", "));
  return `${out.join("\n")}\n`;
}
