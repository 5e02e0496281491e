/**
 * A conditional GAN on paths (tfjs): the generator maps noise and a condition (the path's log
 * volatility, standardized) to a whole path of L bars x D channels (standardized features and the
 * return); the discriminator scores a path and its condition as real or generated. Trained with the
 * non-saturating loss, one discriminator and one generator step per batch, Adam (beta1 0.5) with
 * gradient clipping. Noise, batches and initial weights come from the project PRNG, so a seed gives
 * the same generator. The adversarial loop is its own: two networks and two losses per step are not
 * what the shared supervised trainer does.
 */
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import { linear, INFERENCE, type Layer } from "../nn/layers/basic.js";
import { ParamStore } from "../nn/layers/params.js";
import { decodeWeights, encodeF32 } from "../nn/model.js";
import { nnReady, tf, type TF } from "../nn/runtime/backend.js";
import { resetKernelArena } from "../nn/kernels/runtime.js";
import { AdamW } from "../nn/train/optimizer.js";
import { pathConditions, type PathSet } from "./paths.js";

export interface CganParams {
  noise_dim: number;
  hidden_units: number;
  steps: number;
  batch_size: number;
  learning_rate: number;
}

export interface CganJson {
  L: number;
  D: number;
  noiseDim: number;
  hidden: number;
  /** Per channel: mean and standard deviation of the real paths. */
  mean: number[];
  sd: number[];
  /** Mean and standard deviation of the real conditions (log volatility). */
  condMean: number;
  condSd: number;
  /** The real conditions (standardized), sampled when generating without one. */
  conditions: number[];
  weights: Array<{ name: string; shape: number[]; data: string }>;
}

interface Nets {
  store: ParamStore;
  gen: Layer;
  disc: Layer;
  genVars: TF.Variable[];
  discVars: TF.Variable[];
}

function build(store: ParamStore, L: number, D: number, Z: number, H: number): Nets {
  const g1 = linear(store, "gen.0", Z + 1, H, { heInit: true, act: "relu" });
  const g2 = linear(store, "gen.1", H, H, { heInit: true, act: "relu" });
  const g3 = linear(store, "gen.out", H, L * D);
  const nGen = store.vars.length;
  const d1 = linear(store, "disc.0", L * D + 1, H, { heInit: true, act: "relu" });
  const d2 = linear(store, "disc.1", H, H, { heInit: true, act: "relu" });
  const d3 = linear(store, "disc.out", H, 1);
  return {
    store,
    gen: (x, m) => g3(g2(g1(x, m), m), m),
    disc: (x, m) => d3(d2(d1(x, m), m), m),
    genVars: store.vars.slice(0, nGen),
    discVars: store.vars.slice(nGen),
  };
}

export class Cgan {
  private nets: Nets | null = null;
  constructor(readonly json: CganJson) {}

  private networks(): Nets {
    if (!this.nets) {
      this.nets = build(ParamStore.fromSaved(decodeWeights(this.json.weights, "gan model JSON")), this.json.L, this.json.D, this.json.noiseDim, this.json.hidden);
    }
    return this.nets;
  }

  /**
   * n generated paths on the original scale, row-major [n x L x D]. `logVol`: the condition of every
   * path (a stress scenario: a volatility above the real ones); default: real conditions resampled.
   */
  generate(n: number, seed: number, logVol?: number): PathSet {
    const { L, D, noiseDim: Z } = this.json;
    const rng = new Rng(seed).fork("gan-generate");
    const cond = new Float32Array(n);
    for (let i = 0; i < n; i++) cond[i] = logVol === undefined ? this.json.conditions[rng.int(0, this.json.conditions.length)] : (logVol - this.json.condMean) / this.json.condSd;
    const z = noise(rng, n, Z);
    const nets = this.networks();
    resetKernelArena();
    const raw = tf.tidy(() => nets.gen(tf.concat([tf.tensor2d(z, [n, Z]), tf.tensor2d(cond, [n, 1])], 1), INFERENCE).dataSync() as Float32Array);
    resetKernelArena();
    const data = new Float32Array(n * L * D);
    for (let i = 0; i < data.length; i++) data[i] = raw[i] * this.json.sd[i % D] + this.json.mean[i % D];
    return { data, n, L, D };
  }

  /**
   * Realism of paths by the discriminator: its mean probability that a path is real, on paths of
   * the real paths' shape (conditions computed from the paths themselves). Real paths the GAN has
   * not seen and good generated ones score alike; paths off the real distribution score low.
   */
  realism(p: PathSet): number {
    const { L, D } = this.json;
    if (p.L !== L || p.D !== D) throw new InputError(`gan realism: paths of ${p.L} x ${p.D}, the GAN's are ${L} x ${D}`);
    const cond = Float32Array.from(pathConditions(p), (c) => (c - this.json.condMean) / this.json.condSd);
    const x = new Float32Array(p.data.length);
    for (let i = 0; i < x.length; i++) {
      const v = p.data[i];
      x[i] = v === v ? (v - this.json.mean[i % D]) / this.json.sd[i % D] : 0;
    }
    const nets = this.networks();
    resetKernelArena();
    const prob = tf.tidy(() => tf.sigmoid(nets.disc(tf.concat([tf.tensor2d(x, [p.n, L * D]), tf.tensor2d(cond, [p.n, 1])], 1), INFERENCE)).dataSync() as Float32Array);
    resetKernelArena();
    let s = 0;
    for (const v of prob) s += v;
    return s / Math.max(1, p.n);
  }

  dispose(): void {
    this.nets?.store.dispose();
    this.nets = null;
  }

  static async train(real: PathSet, p: CganParams, seed: number, log?: { debug(o: object, m?: string): void }): Promise<Cgan> {
    await nnReady();
    const { n, L, D } = real;
    if (n < 8) throw new InputError(`gan: only ${n} real paths of ${L} consecutive bars in the training rows`, "use a shorter window or more data");
    const Z = p.noise_dim;
    // per channel, over the values present (a missing feature becomes the channel's mean, 0 scaled)
    const mean = new Array<number>(D).fill(0);
    const sd = new Array<number>(D).fill(0);
    const cnt = new Array<number>(D).fill(0);
    for (let i = 0; i < n * L * D; i++) {
      const v = real.data[i];
      if (v === v) {
        mean[i % D] += v;
        cnt[i % D]++;
      }
    }
    for (let c = 0; c < D; c++) mean[c] = cnt[c] > 0 ? mean[c] / cnt[c] : 0;
    for (let i = 0; i < n * L * D; i++) {
      const v = real.data[i];
      if (v === v) sd[i % D] += (v - mean[i % D]) ** 2;
    }
    for (let c = 0; c < D; c++) sd[c] = Math.sqrt(sd[c] / Math.max(1, cnt[c])) || 1;
    const x = new Float32Array(real.data.length);
    for (let i = 0; i < x.length; i++) {
      const v = real.data[i];
      x[i] = v === v ? (v - mean[i % D]) / sd[i % D] : 0;
    }
    const rawCond = pathConditions(real);
    let cm = 0;
    for (const c of rawCond) cm += c / n;
    let cs = 0;
    for (const c of rawCond) cs += (c - cm) ** 2 / n;
    cs = Math.sqrt(cs) || 1;
    const cond = Float32Array.from(rawCond, (c) => (c - cm) / cs);

    const rng = new Rng(seed).fork("gan");
    const store = ParamStore.fresh(rng.fork("init"));
    const nets = build(store, L, D, Z, p.hidden_units);
    const opt = { optimizer: "adam" as const, weight_decay: 0, beta1: 0.5, beta2: 0.999, adam_epsilon: 1e-8, grad_clip_norm: 1 };
    const optD = new AdamW(nets.discVars, opt);
    const optG = new AdamW(nets.genVars, opt);
    const B = Math.min(p.batch_size, n);
    const xb = new Float32Array(B * L * D);
    const cb = new Float32Array(B);
    const cg = new Float32Array(B);
    const batchRng = rng.fork("batches");
    const noiseRng = rng.fork("noise");
    try {
      for (let step = 0; step < p.steps; step++) {
        for (let i = 0; i < B; i++) {
          const k = batchRng.int(0, n);
          xb.set(x.subarray(k * L * D, (k + 1) * L * D), i * L * D);
          cb[i] = cond[k];
          cg[i] = cond[batchRng.int(0, n)];
        }
        const zd = noise(noiseRng, B, Z);
        const zg = noise(noiseRng, B, Z);
        resetKernelArena();
        const [ld, lg] = tf.tidy(() => {
          const c = tf.tensor2d(cb, [B, 1]);
          const realIn = tf.concat([tf.tensor2d(xb, [B, L * D]), c], 1);
          const fakeD = tf.concat([nets.gen(tf.concat([tf.tensor2d(zd, [B, Z]), c], 1), INFERENCE), c], 1);
          const d = tf.variableGrads(() => tf.add(tf.mean(tf.softplus(tf.neg(nets.disc(realIn, INFERENCE)))), tf.mean(tf.softplus(nets.disc(fakeD, INFERENCE)))) as TF.Scalar, nets.discVars);
          optD.apply(nets.discVars.map((v) => d.grads[v.name]), p.learning_rate);
          const c2 = tf.tensor2d(cg, [B, 1]);
          const g = tf.variableGrads(() => {
            const fake = tf.concat([nets.gen(tf.concat([tf.tensor2d(zg, [B, Z]), c2], 1), INFERENCE), c2], 1);
            return tf.mean(tf.softplus(tf.neg(nets.disc(fake, INFERENCE)))) as TF.Scalar;
          }, nets.genVars);
          optG.apply(nets.genVars.map((v) => g.grads[v.name]), p.learning_rate);
          return [d.value.dataSync()[0], g.value.dataSync()[0]];
        });
        if (!Number.isFinite(ld) || !Number.isFinite(lg)) throw new InputError(`gan: training diverged at step ${step + 1} (losses ${ld}, ${lg})`, "lower learning_rate");
        if (step % 200 === 0) log?.debug({ family: "gan", step, discLoss: ld, genLoss: lg }, "gan step");
        if (step % 50 === 49) await new Promise((r) => setImmediate(r));
      }
    } finally {
      optD.dispose();
      optG.dispose();
      resetKernelArena();
    }
    const weights = store.entries().map((e) => ({ name: e.name, shape: e.shape, data: encodeF32(e.data) }));
    store.dispose();
    return new Cgan({ L, D, noiseDim: Z, hidden: p.hidden_units, mean, sd, condMean: cm, condSd: cs, conditions: Array.from(cond), weights });
  }
}

function noise(rng: Rng, n: number, Z: number): Float32Array {
  const z = new Float32Array(n * Z);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  return z;
}
