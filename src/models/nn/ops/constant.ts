import type { TF } from "../runtime/backend.js";

/**
 * Tensors that are data, not functions of the weights (a training batch's inputs). tfjs asks every
 * custom op for the gradient of each input, and for the first layer that is a full matrix product
 * (a sixth of an MLP's backward pass) whose result is thrown away; fused ops skip it for these.
 */
const constants = new WeakSet<object>();

export function markConstant<T extends TF.Tensor>(t: T): T {
  constants.add(t);
  return t;
}

export function isConstant(t: TF.Tensor): boolean {
  return constants.has(t);
}
