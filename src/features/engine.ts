/**
 * Computing one time chunk of a feature plan. Time-series features run symbol by symbol over the
 * chunk (each symbol's inputs gathered once into contiguous arrays and shared intermediates
 * memoized), then cross-sectional features run row by row over the finished base grids.
 */
import { BLOCK_CAPACITY, SymbolFrame, type ChunkGrids } from "./frame.js";
import type { FeaturePlan } from "./plan.js";
import type { RowContext, TimeSeriesFeatureSpec } from "./spec.js";

/** Symbols per block (see BLOCK_CAPACITY). */
const SYMBOL_BLOCK = BLOCK_CAPACITY;

export interface ChunkInput extends ChunkGrids {
  /** 1 where the symbol has a bar, rows x S. */
  readonly present: Uint8Array;
}

/**
 * Fills `outputs[j]` (rows [outStart, n) of the chunk, time-major, (n - outStart) x S) with
 * plan.outputs[j]. Rows before outStart are warm-up: computed, then discarded. A value is NaN
 * wherever the symbol has no bar at that row.
 */
export function computeChunk(chunk: ChunkInput, plan: FeaturePlan, outStart: number, outputs: readonly Float32Array[]): void {
  const { n, S, present } = chunk;
  const rows = n - outStart;
  const grids = new Map<string, Float32Array>();
  plan.outputs.forEach((spec, j) => {
    if (outputs[j].length < rows * S) throw new RangeError(`output grid for ${spec.name} is too small`);
    grids.set(spec.name, outputs[j]);
  });
  const ts: TimeSeriesFeatureSpec[] = [];
  for (const spec of plan.outputs) if (spec.kind === "timeseries") ts.push(spec);
  for (const spec of plan.hidden) {
    ts.push(spec);
    grids.set(spec.name, new Float32Array(rows * S));
  }
  const targets = ts.map((s) => grids.get(s.name)!);

  if (ts.length > 0) {
    const frame = new SymbolFrame(chunk);
    const buf = new Float64Array(n);
    // Symbols are processed in blocks: each feature's values go to a symbol-major staging buffer
    // (sequential writes), and a blocked transpose then writes whole cache lines of each grid row.
    // Scattering straight into the time-major grids costs one cache miss per value.
    const B = Math.min(SYMBOL_BLOCK, S);
    const stage = ts.map(() => new Float32Array(B * rows));
    for (let s0 = 0; s0 < S; s0 += B) {
      const nb = Math.min(B, S - s0);
      frame.setBlock(s0, nb);
      for (let b = 0; b < nb; b++) {
        frame.setSymbol(s0 + b);
        for (let j = 0; j < ts.length; j++) {
          ts[j].compute(frame, buf);
          stageCopy(buf, outStart, n, stage[j], b * rows);
        }
      }
      for (let j = 0; j < ts.length; j++) unstage(stage[j], rows, nb, targets[j], S, s0, present, outStart);
    }
  }

  const ctx: RowContext = { S, marketProxy: plan.marketProxy, values: new Float64Array(S) };
  for (const spec of plan.outputs) {
    if (spec.kind !== "cross_sectional") continue;
    const base = grids.get(spec.base)!;
    const out = grids.get(spec.name)!;
    for (let r = 0; r < rows; r++) spec.computeRow(base, r * S, out, ctx);
    maskAbsent(out, present, outStart * S);
  }
}

// Small loops live in their own functions so V8 optimizes them once and reuses the code across
// chunks and builds (a loop inside a function that runs once stays in the interpreter far longer).

function stageCopy(src: Float64Array, from: number, to: number, dst: Float32Array, at: number): void {
  for (let i = from, k = at; i < to; i++, k++) dst[k] = src[i];
}

/**
 * Writes a symbol-major block [b * rows + r] into grid rows, NaN where the symbol has no bar.
 * Symbol by symbol: the block's piece of each row (nb values) stays in cache across the symbols.
 */
function unstage(st: Float32Array, rows: number, nb: number, g: Float32Array, S: number, s0: number, present: Uint8Array, outStart: number): void {
  for (let b = 0; b < nb; b++) {
    const base = b * rows;
    for (let r = 0, o = s0 + b, p = outStart * S + s0 + b; r < rows; r++, o += S, p += S) g[o] = present[p] ? st[base + r] : NaN;
  }
}

function maskAbsent(out: Float32Array, present: Uint8Array, presentOffset: number): void {
  for (let i = 0; i < out.length; i++) if (!present[presentOffset + i]) out[i] = NaN;
}
