/**
 * The training rows a family is fitted on: the feature rows of some cells (tabularRows), where each
 * row sits in the panel (bar, symbol), and, for a family that learns several targets at once, the
 * run's other targets on those rows with each label purged by its own window against the held-out
 * times (the fold's test block and validation tail). The primary target's purge does not cover a
 * longer auxiliary horizon: a training row a few bars before the test block has a primary label
 * that ends in time but an auxiliary one that reads into the block.
 */
import type { Family, TabularData } from "../models/family.js";
import { tabularRows } from "../models/rows.js";
import type { CvData } from "./cv-data.js";

export interface FitRowsOptions {
  family: Pick<Family, "auxiliaryTargets">;
  /** Cells held out from this fit (test and validation cells): auxiliary labels reading into their times are dropped. */
  heldOut?: readonly Int32Array[];
}

export function fitRows(cells: Int32Array, features: readonly string[], grids: ReadonlyMap<string, Float32Array>, data: Pick<CvData, "T" | "S" | "fitY" | "aux">, o: FitRowsOptions): TabularData {
  const rows = tabularRows(cells, features, grids, data.fitY);
  const S = data.S;
  const time = new Int32Array(cells.length);
  const symbol = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    time[i] = Math.floor(cells[i] / S);
    symbol[i] = cells[i] % S;
  }
  rows.rows = { time, symbol };
  const aux = o.family.auxiliaryTargets ? data.aux : undefined;
  if (aux !== undefined && aux.length > 0) {
    // heldBefore[t]: held-out times in [0, t), so "any held-out time in (t, t + w]" is one difference.
    const held = new Uint8Array(data.T);
    for (const block of o.heldOut ?? []) for (const c of block) held[Math.floor(c / S)] = 1;
    const before = new Int32Array(data.T + 1);
    for (let t = 0; t < data.T; t++) before[t + 1] = before[t] + held[t];
    const A = aux.length;
    const Y = new Float64Array(cells.length * A);
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      const t = time[i];
      for (let j = 0; j < A; j++) {
        const hi = Math.min(data.T, t + aux[j].window + 1);
        Y[i * A + j] = before[hi] - before[t + 1] > 0 ? NaN : aux[j].y[c];
      }
    }
    rows.aux = { names: aux.map((a) => a.name), objectives: aux.map((a) => a.objective), Y };
  }
  return rows;
}
