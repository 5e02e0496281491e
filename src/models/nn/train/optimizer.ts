import { kernelRuntime } from "../kernels/runtime.js";
import { tensorView, writeVariable } from "../kernels/transfer.js";
import { tf, type TF } from "../runtime/backend.js";
import type { TrainingParams } from "../params.js";

/**
 * Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter: weight decay decoupled from the adaptive step)
 * with global-norm gradient clipping, all in tensor ops so a step never waits on a value read.
 * Weight decay applies to weight matrices (rank >= 2) only; biases, gains and embeddings' shifts
 * are not shrunk toward zero.
 */
export class AdamW {
  private readonly m: TF.Variable[];
  private readonly v: TF.Variable[];
  private readonly decays: boolean[];
  private t = 0;

  constructor(
    private readonly vars: readonly TF.Variable[],
    private readonly p: Pick<TrainingParams, "optimizer" | "weight_decay" | "beta1" | "beta2" | "adam_epsilon" | "grad_clip_norm">,
  ) {
    this.m = vars.map((w) => tf.variable(tf.zerosLike(w), false));
    this.v = vars.map((w) => tf.variable(tf.zerosLike(w), false));
    this.decays = vars.map((w) => w.rank >= 2);
  }

  get steps(): number {
    return this.t;
  }

  /** One update with learning rate `lr`; `grads[i]` belongs to `vars[i]`. */
  apply(grads: readonly TF.Tensor[], lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, adam_epsilon: eps, weight_decay: wd, optimizer, grad_clip_norm: clip } = this.p;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    tf.tidy(() => {
      let gs = grads as TF.Tensor[];
      if (clip > 0) {
        const sq = gs.map((g) => tf.sum(tf.square(g)));
        const norm = tf.sqrt(tf.addN(sq));
        // scale = clip / max(norm, clip): 1 below the threshold, shrinks the whole gradient above it.
        const scale = tf.div(clip, tf.maximum(norm, clip));
        gs = gs.map((g) => tf.mul(g, scale));
      }
      for (let i = 0; i < this.vars.length; i++) {
        const w = this.vars[i];
        let g = gs[i];
        if (optimizer === "adam" && wd > 0 && this.decays[i]) g = tf.add(g, tf.mul(w, wd));
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        // eps is added to sqrt(v_hat), as in PyTorch: sqrt(v) + eps * sqrt(c2) on the raw moment.
        let upd = tf.div(m, tf.add(tf.sqrt(v), eps * Math.sqrt(c2)));
        upd = tf.mul(upd, stepSize);
        if (optimizer === "adamw" && wd > 0 && this.decays[i]) upd = tf.add(upd, tf.mul(w, lr * wd));
        w.assign(tf.sub(w, upd));
      }
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

/** Learning rate at `step` (0-based) of `totalSteps`, in epoch `epoch`. */
export function learningRate(p: Pick<TrainingParams, "learning_rate" | "lr_schedule" | "warmup_steps" | "lr_decay" | "lr_min_ratio">, step: number, totalSteps: number, epoch: number): number {
  const base = p.learning_rate;
  if (p.warmup_steps > 0 && step < p.warmup_steps) return (base * (step + 1)) / p.warmup_steps;
  switch (p.lr_schedule) {
    case "constant":
      return base;
    case "exponential":
      return base * p.lr_decay ** epoch;
    case "cosine": {
      const span = Math.max(1, totalSteps - p.warmup_steps);
      const prog = Math.min(1, Math.max(0, (step - p.warmup_steps) / span));
      const floor = base * p.lr_min_ratio;
      return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * prog));
    }
  }
}

/**
 * The same AdamW update in one WebAssembly pass per weight, with m and v kept in kernel memory:
 * a step costs one read of each gradient and one write of each weight instead of a dozen tfjs ops
 * per weight. Identical math to `AdamW` (checked by the tests).
 */
export class FusedAdamW {
  private readonly m: number[];
  private readonly v: number[];
  private readonly w: number[];
  private readonly g: number[];
  private readonly sizes: number[];
  private readonly decays: boolean[];
  private t = 0;

  constructor(
    private readonly vars: readonly TF.Variable[],
    private readonly p: Pick<TrainingParams, "optimizer" | "weight_decay" | "beta1" | "beta2" | "adam_epsilon" | "grad_clip_norm">,
  ) {
    const rt = kernelRuntime();
    this.sizes = vars.map((v) => v.size);
    const alloc = (): number[] =>
      this.sizes.map((n) => {
        const ptr = rt.alloc(n);
        rt.f32().fill(0, ptr >> 2, (ptr >> 2) + n);
        return ptr;
      });
    this.m = alloc();
    this.v = alloc();
    this.w = alloc();
    this.g = alloc();
    this.decays = vars.map((w) => w.rank >= 2);
  }

  get steps(): number {
    return this.t;
  }

  apply(grads: readonly TF.Tensor[], lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, adam_epsilon: eps, weight_decay: wd, optimizer, grad_clip_norm: clip } = this.p;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const rt = kernelRuntime();
    let sq = 0;
    for (let i = 0; i < this.vars.length; i++) {
      rt.f32().set(tensorView(grads[i]), this.g[i] >> 2);
      rt.f32().set(tensorView(this.vars[i]), this.w[i] >> 2);
      if (clip > 0) sq += rt.k.sum_squares(this.g[i], this.sizes[i]);
    }
    const norm = Math.sqrt(sq);
    const gscale = clip > 0 ? clip / Math.max(norm, clip) : 1;
    for (let i = 0; i < this.vars.length; i++) {
      const decays = wd > 0 && this.decays[i];
      const l2 = optimizer === "adam" && decays ? wd : 0;
      const decay = optimizer === "adamw" && decays ? lr * wd : 0;
      rt.k.adam_update(this.w[i], this.g[i], this.m[i], this.v[i], this.sizes[i], gscale, l2, b1, b2, stepSize, eps * Math.sqrt(c2), decay);
      writeVariable(this.vars[i], rt.f32().subarray(this.w[i] >> 2, (this.w[i] >> 2) + this.sizes[i]));
    }
  }

  dispose(): void {
    const rt = kernelRuntime();
    for (const p of [...this.m, ...this.v, ...this.w, ...this.g]) rt.release(p);
  }
}

export type Optimizer = AdamW | FusedAdamW;
