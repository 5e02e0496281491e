/**
 * Which cells of a panel (T x S, time-major, index t * S + s) a fit uses, chosen deterministically:
 * whole timestamps sampled down with the seed (every kept timestamp keeps its full cross-section,
 * which the IC needs), training cells subsampled, cells of some symbols. Shared by the leakage
 * quick model, the stages' purged folds (training/cv-data.ts), selection and the model families.
 */
import { Rng } from "../util/random.js";

/**
 * Cells with a finite label (and inside `mask`), at whole timestamps sampled down (seeded, stream
 * `label`) so that at most `maxRows` cells remain; every kept timestamp keeps its full cross-section.
 */
export function sampledCells(y: Float64Array, T: number, S: number, o: { maxRows?: number; seed: number; label: string; mask?: Uint8Array }): { valid: Uint8Array; times: Int32Array } {
  const usable = (c: number) => Number.isFinite(y[c]) && (o.mask === undefined || o.mask[c] === 1);
  const perTime = new Int32Array(T);
  let total = 0;
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let s = 0; s < S; s++) if (usable(t * S + s)) n++;
    perTime[t] = n;
    total += n;
  }
  let keep = new Uint8Array(T);
  for (let t = 0; t < T; t++) keep[t] = perTime[t] > 0 ? 1 : 0;
  if (o.maxRows !== undefined && total > o.maxRows) {
    // Visit timestamps in a seeded order and take them while they fit.
    keep = new Uint8Array(T);
    const order = new Rng(o.seed).fork(o.label).permutation(T);
    let used = 0;
    for (const t of order) {
      if (perTime[t] === 0 || used + perTime[t] > o.maxRows) continue;
      keep[t] = 1;
      used += perTime[t];
    }
  }
  const valid = new Uint8Array(T * S);
  const times: number[] = [];
  for (let t = 0; t < T; t++) {
    if (!keep[t]) continue;
    times.push(t);
    for (let s = 0; s < S; s++) if (usable(t * S + s)) valid[t * S + s] = 1;
  }
  return { valid, times: Int32Array.from(times) };
}

/** Keeps at most `max` of `cells` (seeded), in their original order. */
export function subsampleCells(cells: Int32Array, max: number, rng: Rng): Int32Array {
  if (cells.length <= max) return cells;
  const pick = rng.permutation(cells.length).subarray(0, max).sort();
  const out = new Int32Array(max);
  for (let i = 0; i < max; i++) out[i] = cells[pick[i]];
  return out;
}

/** Cells whose symbol column is marked in `symbols` (length S). */
export function cellsOfSymbols(cells: Int32Array, S: number, symbols: Uint8Array): Int32Array {
  let n = 0;
  for (const c of cells) if (symbols[c % S]) n++;
  const out = new Int32Array(n);
  n = 0;
  for (const c of cells) if (symbols[c % S]) out[n++] = c;
  return out;
}
