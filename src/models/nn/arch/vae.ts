import { z } from "zod";
import { linear, mlpTrunk } from "../layers/basic.js";
import { familySchema, headShape, unitsSchema } from "../params.js";
import { tf, type TF } from "../runtime/backend.js";
import { head } from "./head.js";
import type { NetworkBuilder } from "./network.js";

/**
 * Variational autoencoder (Kingma & Welling) whose latent code also feeds a prediction head. The
 * encoder gives a Gaussian q(z|x); training samples z by reparameterisation and adds the
 * reconstruction error and the KL divergence to the task loss, so the latent space summarises the
 * features, not just the target. Prediction uses the posterior mean. The per-row reconstruction
 * error (`reconstruction_error` score) is high for rows unlike the training data: an anomaly or
 * regime-change score.
 */
export const vaeParamsSchema = familySchema({
  encoder_units: unitsSchema("hidden layers of the encoder").default([128, 64]),
  /** Decoder hidden layers; empty = the encoder's, reversed. */
  decoder_units: unitsSchema("hidden layers of the decoder (default: the encoder's reversed)").default([]),
  latent_dim: z.number().int().min(1).max(4096).default(8).describe("width of the variational bottleneck"),
  recon_weight: z.number().min(0).default(0.5).describe("Weight of the autoencoder terms (reconstruction + beta KL) next to the task loss."),
  beta: z.number().min(0).default(0.1).describe("Weight of the KL term inside the autoencoder loss (beta-VAE)."),
  ...headShape,
  head_units: headShape.head_units.default([32]),
});
export type VaeParams = z.infer<typeof vaeParamsSchema>;

export const buildVae: NetworkBuilder<VaeParams> = (p, inputShape, outDim, hp) => {
  const F = inputShape[0];
  const Z = hp.latent_dim;
  const enc = mlpTrunk(p, "enc", F, hp.encoder_units, hp.activation, hp.dropout, false);
  const mu = linear(p, "enc.mu", enc.outDim, Z);
  const logvar = linear(p, "enc.logvar", enc.outDim, Z);
  const decUnits = hp.decoder_units.length > 0 ? hp.decoder_units : [...hp.encoder_units].reverse();
  const dec = mlpTrunk(p, "dec", Z, decUnits, hp.activation, 0, false);
  const recon = linear(p, "dec.out", dec.outDim, F);
  const h = head(p, Z, hp.head_units, hp.activation, hp.dropout, outDim);
  const noDrop = { training: false, seed: () => 0 };
  const reconError = (x: TF.Tensor): TF.Tensor => {
    const m = mu(enc.layer(x, noDrop), noDrop);
    return tf.mean(tf.square(tf.sub(recon(dec.layer(m, noDrop), noDrop), x)), 1);
  };
  const floats = 2 * (hp.encoder_units.reduce((a, b) => a + b, 0) + decUnits.reduce((a, b) => a + b, 0)) + 4 * Z + 2 * F + h.floats;
  return {
    params: p,
    activationFloatsPerSample: floats,
    scores: { reconstruction_error: reconError },
    forward: (x, m) => {
      const e = enc.layer(x, m);
      const zm = mu(e, m);
      if (!m.training) return { out: h.layer(zm, m) };
      // Clamped log-variance keeps exp() finite early in training.
      const lv = tf.clipByValue(logvar(e, m), -10, 10);
      const eps = tf.randomNormal(zm.shape, 0, 1, "float32", m.seed());
      const zs = tf.add(zm, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps));
      const out = h.layer(zs, m);
      if (hp.recon_weight === 0) return { out };
      const rec = tf.mean(tf.square(tf.sub(recon(dec.layer(zs, m), m), x)));
      // KL(q(z|x) || N(0, I)) per row, summed over latent dims, scaled per input feature.
      const kl = tf.div(tf.mean(tf.sum(tf.sub(tf.add(tf.square(zm), tf.exp(lv)), tf.add(lv, 1)), 1)), 2 * F);
      return { out, aux: tf.mul(tf.add(rec, tf.mul(kl, hp.beta)), hp.recon_weight) as TF.Scalar };
    },
  };
};
