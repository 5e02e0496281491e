import type { TF } from "../runtime/backend.js";
import type { RunMode } from "../layers/basic.js";
import type { ParamStore } from "../layers/params.js";

/** What a forward pass returns: the head's raw output [B, K], and extra loss terms (e.g. a VAE's). */
export interface ForwardResult {
  out: TF.Tensor;
  /** Added to the task loss in training (already weighted); absent for most families. */
  aux?: TF.Scalar;
}

export interface Network {
  readonly params: ParamStore;
  forward(x: TF.Tensor, mode: RunMode): ForwardResult;
  /** Floats of activations one sample keeps for the backward pass: the memory estimate's input. */
  readonly activationFloatsPerSample: number;
  /**
   * Named per-sample scores besides the prediction, in inference mode, each [B]: e.g. a VAE's
   * reconstruction error, usable as an anomaly or regime score.
   */
  readonly scores?: Readonly<Record<string, (x: TF.Tensor) => TF.Tensor>>;
}

/**
 * Builds a family's network on a ParamStore. Called with the same arguments when training (fresh
 * weights) and loading (saved weights), so the two produce the same layout.
 */
export type NetworkBuilder<P> = (p: ParamStore, inputShape: readonly number[], outDim: number, params: P) => Network;
