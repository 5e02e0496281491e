import { tf, type TF } from "../runtime/backend.js";
import { dense, matMul } from "../ops/matmul.js";
import { useFused } from "../ops/fused.js";
import { fusedGru, fusedLstm, lastStep } from "../ops/fused-ops.js";
import type { Layer } from "./basic.js";
import { glorot, zeros, type ParamStore } from "./params.js";

/**
 * LSTM and GRU over [batch, time, features], PyTorch's gate layouts (LSTM: i, f, g, o; GRU: r, z, n
 * with the reset gate applied to the hidden projection). The input projection of all time steps is
 * one matrix product; the recurrence runs either as one fused kernel for the whole sequence
 * (forward and backward through time in our own code) or as stock tfjs ops per step.
 */

export type RecurrentCell = "lstm" | "gru";

export interface RecurrentOptions {
  cell: RecurrentCell;
  inDim: number;
  hidden: number;
  /** Output every step [B, L, H] (for stacking) or only the last [B, H]. */
  returnSequences: boolean;
}

export function recurrent(p: ParamStore, name: string, o: RecurrentOptions): Layer {
  const H = o.hidden;
  const G = o.cell === "lstm" ? 4 : 3;
  const wx = p.add(`${name}.wx`, [o.inDim, G * H], glorot);
  const wh = p.add(`${name}.wh`, [H, G * H], { kind: "orthogonal", blocks: G });
  // LSTM forget-gate bias 1 (Jozefowicz et al. 2015): remembers by default early in training.
  const bx = p.add(`${name}.bx`, [G * H], o.cell === "lstm" ? { kind: "block_constant", values: [0, 1, 0, 0] } : zeros);
  const bh = o.cell === "gru" ? p.add(`${name}.bh`, [G * H], zeros) : undefined;
  return (x) => {
    if (useFused()) {
      const hs = o.cell === "lstm" ? fusedLstm(x, wx, bx, wh) : fusedGru(x, wx, bx, wh, bh!);
      return o.returnSequences ? hs : lastStep(hs);
    }
    const xp = dense(x, wx, bx); // [B, L, G*H]
    return o.cell === "lstm" ? lstmStock(xp, wh, H, o.returnSequences) : gruStock(xp, wh, bh!, H, o.returnSequences);
  };
}

function lstmStock(xp: TF.Tensor, wh: TF.Tensor, H: number, seq: boolean): TF.Tensor {
  const B = xp.shape[0];
  const steps = tf.unstack(xp, 1);
  let h: TF.Tensor = tf.zeros([B, H]);
  let c: TF.Tensor = tf.zeros([B, H]);
  const hs: TF.Tensor[] = [];
  for (const xt of steps) {
    const z = tf.add(xt, matMul(h, wh));
    const [i, f, g, o] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    if (seq) hs.push(h);
  }
  return seq ? tf.stack(hs, 1) : h;
}

function gruStock(xp: TF.Tensor, wh: TF.Tensor, bh: TF.Tensor, H: number, seq: boolean): TF.Tensor {
  const B = xp.shape[0];
  const steps = tf.unstack(xp, 1);
  let h: TF.Tensor = tf.zeros([B, H]);
  const hs: TF.Tensor[] = [];
  for (const xt of steps) {
    const hp = tf.add(matMul(h, wh), bh);
    const [xr, xz, xn] = tf.split(xt, 3, 1);
    const [hr, hz, hn] = tf.split(hp, 3, 1);
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    if (seq) hs.push(h);
  }
  return seq ? tf.stack(hs, 1) : h;
}
