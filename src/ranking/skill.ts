/**
 * Out-of-sample skill of one family's predictions on one target, cut the ways the ranking needs:
 * per contiguous block of time (for a t-statistic that overlapping labels cannot inflate), per
 * symbol (for stability across the cross-section), and the agreement between two families'
 * predictions. Every figure is "above no skill": IC and rank correlation as they are, AUC - 0.5.
 *
 * Blocks are runs of whole timestamps at least two label windows long (blockCount), so a 20-bar
 * label's overlapping values fall mostly inside one block and the block skills are close to
 * independent. Pooled metrics' own t-statistics (AUC's Hanley-McNeil error, the correlation's
 * sqrt(n - 2)) treat every cell as independent: with a 20-bar horizon and 30 symbols they
 * overstate the evidence many times over, which would favour long horizons and binary targets.
 */
import { MIN_CROSS_SECTION, MIN_SYMBOL_PAIRS, blockCount, crossSectionalRanks, timeBlocks } from "../leakage/association.js";
import type { CvData } from "../training/cv-data.js";
import type { ModelTask } from "../leakage/quick-model.js";
import { auc, CorrelationScratch, icSeries, pearsonN, spearman, spearmanScratch } from "../validation/metrics/index.js";

/** Fewest blocks with a skill for a t-statistic. */
export const MIN_SKILL_BLOCKS = 4;
/** Fewest rows of each class for a block's or a symbol's AUC. */
const MIN_CLASS_ROWS = 5;
/** Fewest pairs for a block's pooled rank correlation. */
const MIN_BLOCK_PAIRS = 20;

/** First timestamp of each block, plus T at the end (blocks are contiguous, in time order). */
export function blockStarts(blockOfTime: Int32Array): Int32Array {
  const T = blockOfTime.length;
  const B = T === 0 ? 0 : blockOfTime[T - 1] + 1;
  const starts = new Int32Array(B + 1);
  for (let t = T - 1; t >= 0; t--) starts[blockOfTime[t]] = t;
  starts[B] = T;
  return starts;
}

/** Skill above no skill per block of time; NaN where a block has too little to score. */
export function blockSkills(pred: Float64Array, y: Float64Array, T: number, S: number, task: ModelTask, starts: Int32Array): Float64Array {
  const B = starts.length - 1;
  const out = new Float64Array(B).fill(NaN);
  if (task.metric === "ic") {
    const ic = icSeries(pred, y, T, S, { minObs: MIN_CROSS_SECTION });
    for (let b = 0; b < B; b++) {
      let sum = 0;
      let n = 0;
      for (let t = starts[b]; t < starts[b + 1]; t++) {
        const v = ic[t];
        if (v === v) {
          sum += v;
          n++;
        }
      }
      if (n > 0) out[b] = sum / n;
    }
    return out;
  }
  let widest = 0;
  for (let b = 0; b < B; b++) widest = Math.max(widest, (starts[b + 1] - starts[b]) * S);
  const scratch = new CorrelationScratch(widest);
  for (let b = 0; b < B; b++) {
    const n = gatherPairs(pred, y, starts[b] * S, starts[b + 1] * S, 1, scratch);
    out[b] = pairSkill(task, scratch, n, MIN_BLOCK_PAIRS);
  }
  return out;
}

/**
 * Skill above no skill per symbol. For IC-scored targets: the correlation through time of the
 * symbol's cross-sectional rank in the predictions with its rank in the labels (both as centred
 * fractions of the cross-section), i.e. the symbol's part in the IC; otherwise the target's own
 * metric on the symbol's rows. NaN where a symbol has too few scored rows.
 */
export function symbolSkills(pred: Float64Array, y: Float64Array, T: number, S: number, task: ModelTask): Float64Array {
  const out = new Float64Array(S).fill(NaN);
  if (task.metric === "ic") {
    const pm = new Float64Array(T * S).fill(NaN);
    const ym = new Float64Array(T * S).fill(NaN);
    for (let c = 0; c < T * S; c++) {
      if (Number.isFinite(pred[c]) && Number.isFinite(y[c])) {
        pm[c] = pred[c];
        ym[c] = y[c];
      }
    }
    const rp = centredRanks(pm, T, S);
    const ry = centredRanks(ym, T, S);
    const a = new Float64Array(T);
    const b = new Float64Array(T);
    for (let s = 0; s < S; s++) {
      let n = 0;
      for (let t = 0, c = s; t < T; t++, c += S) {
        if (rp[c] === rp[c] && ry[c] === ry[c]) {
          a[n] = rp[c];
          b[n] = ry[c];
          n++;
        }
      }
      if (n >= MIN_SYMBOL_PAIRS) out[s] = pearsonN(a, b, n);
    }
    return out;
  }
  const scratch = new CorrelationScratch(T);
  for (let s = 0; s < S; s++) {
    const n = gatherPairs(pred, y, s, T * S, S, scratch);
    out[s] = pairSkill(task, scratch, n, MIN_SYMBOL_PAIRS);
  }
  return out;
}

/**
 * Agreement of two families' out-of-fold predictions: for IC-scored targets the mean
 * cross-sectional rank correlation per timestamp (what the IC would see), otherwise the pooled
 * rank correlation. Rank-based, so a probability and a log-odds score of one signal agree fully.
 */
export function predictionAgreement(a: Float64Array, b: Float64Array, T: number, S: number, task: ModelTask): number {
  if (task.metric === "ic") {
    const series = icSeries(a, b, T, S, { method: "spearman", minObs: MIN_CROSS_SECTION });
    let sum = 0;
    let n = 0;
    for (const v of series) {
      if (v === v) {
        sum += v;
        n++;
      }
    }
    return n > 0 ? sum / n : NaN;
  }
  return spearman(a, b);
}

/** t-statistic of the mean of the finite entries against 0; NaN with fewer than MIN_SKILL_BLOCKS. */
export function tOfMean(x: ArrayLike<number>): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  if (n < MIN_SKILL_BLOCKS) return NaN;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const sd = Math.sqrt(ss / (n - 1));
  if (sd > 0) return mean / (sd / Math.sqrt(n));
  return mean === 0 ? 0 : Math.sign(mean) * Infinity;
}

/** Copies the finite (pred, y) pairs of cells from, from + step, ... < to into scratch.x / scratch.y. */
function gatherPairs(pred: Float64Array, y: Float64Array, from: number, to: number, step: number, scratch: CorrelationScratch): number {
  let n = 0;
  for (let c = from; c < to; c += step) {
    const p = pred[c];
    const v = y[c];
    if (Number.isFinite(p) && Number.isFinite(v)) {
      scratch.x[n] = p;
      scratch.y[n] = v;
      n++;
    }
  }
  return n;
}

/** AUC - 0.5 or the rank correlation of the first n gathered pairs. */
function pairSkill(task: ModelTask, scratch: CorrelationScratch, n: number, minPairs: number): number {
  if (task.metric === "auc") {
    let pos = 0;
    for (let i = 0; i < n; i++) if (scratch.y[i] === 1) pos++;
    if (pos < MIN_CLASS_ROWS || n - pos < MIN_CLASS_ROWS) return NaN;
    return auc(scratch.y.subarray(0, n), scratch.x.subarray(0, n)) - task.noSkill;
  }
  if (n < minPairs) return NaN;
  return spearmanScratch(scratch, n) - task.noSkill;
}

/** Cross-sectional ranks as centred fractions in [-1/2, 1/2]; NaN where a timestamp is too thin. */
function centredRanks(v: Float64Array, T: number, S: number): Float64Array {
  const r = crossSectionalRanks(v, T, S);
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    for (let s = 0; s < S; s++) if (r[row + s] === r[row + s]) n++;
    for (let s = 0; s < S; s++) {
      const c = row + s;
      if (r[c] !== r[c]) continue;
      r[c] = n >= MIN_CROSS_SECTION ? (r[c] - 1) / (n - 1) - 0.5 : NaN;
    }
  }
  return r;
}

/** Blocks of time over the span the folds test (walk-forward tests only the later part). */
export function testedBlockStarts(data: Pick<CvData, "T" | "S" | "test" | "target">): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const cells of data.test) {
    if (cells.length === 0) continue;
    lo = Math.min(lo, Math.floor(cells[0] / data.S));
    hi = Math.max(hi, Math.floor(cells[cells.length - 1] / data.S));
  }
  if (!(hi >= lo)) return Int32Array.of(0, data.T);
  const L = hi - lo + 1;
  const starts = blockStarts(timeBlocks(L, blockCount(L, data.target.window)));
  for (let i = 0; i < starts.length; i++) starts[i] += lo;
  return starts;
}

/**
 * The t-statistic of out-of-sample skill above no skill across blocks of the tested time: the one
 * significance figure every stage uses, whatever the metric (see the file comment).
 */
export function skillT(pred: Float64Array, data: Pick<CvData, "T" | "S" | "y" | "task" | "test" | "target">): number {
  return tOfMean(blockSkills(pred, data.y, data.T, data.S, data.task, testedBlockStarts(data)));
}
