import { tf, type TF } from "../runtime/backend.js";
import { activate, type Activation } from "./activation.js";
import { isConstant, markConstant } from "./constant.js";
import { customOp } from "./custom.js";
import { useFused } from "./fused.js";
import { fusedDense } from "./fused-ops.js";

/**
 * Matrix products whose gradients stay on fast kernels. tfjs's wasm BatchMatMul sends any product
 * with a transposed operand to a naive loop (measured 10-20x slower than the XNNPACK path), and the
 * stock gradient of `a @ b` is exactly two such products (dy @ b^T and a^T @ dy). Here the operand
 * is transposed explicitly first (a cheap copy), so all three products run on XNNPACK. Other
 * backends handle transposed operands natively and use the stock op.
 */

function transposeLast(x: TF.Tensor): TF.Tensor {
  if (x.rank === 2) return tf.transpose(x);
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 1] = x.rank - 2;
  perm[x.rank - 2] = x.rank - 1;
  return tf.transpose(x, perm);
}

const fastMatMul = customOp(([a, b], save) => {
  save([a, b]);
  return {
    value: tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D),
    gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy as TF.Tensor2D, transposeLast(sb) as TF.Tensor2D), tf.matMul(transposeLast(sa) as TF.Tensor2D, dy as TF.Tensor2D)];
    },
  };
});

function needsExplicitTranspose(): boolean {
  return tf.getBackend() === "wasm";
}

/** a @ b for rank-2 (or equal-batch rank-3) tensors. */
export function matMul(a: TF.Tensor, b: TF.Tensor): TF.Tensor {
  return needsExplicitTranspose() ? fastMatMul(a, b) : tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D);
}

/** a @ b^T, with the transpose made explicit where the backend needs it. */
export function matMulBT(a: TF.Tensor, b: TF.Tensor): TF.Tensor {
  return needsExplicitTranspose() ? fastMatMul(a, transposeLast(b)) : tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D, false, true);
}

/**
 * act(x [..., in] @ w [in, out] + bias), flattening leading axes into one matrix product: one fused
 * kernel call where the fused kernels are on, stock ops otherwise.
 */
export function dense(x: TF.Tensor, w: TF.Tensor, bias?: TF.Tensor, act: Activation | "linear" = "linear"): TF.Tensor {
  const inDim = x.shape[x.rank - 1];
  const outDim = w.shape[1]!;
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
  if (x2 !== x && isConstant(x)) markConstant(x2);
  let y: TF.Tensor;
  if (useFused()) y = fusedDense(x2, w, bias ?? null, act);
  else {
    y = matMul(x2, w);
    if (bias) y = tf.add(y, bias);
    if (act !== "linear") y = activate(y, act);
  }
  return x.rank === 2 ? y : tf.reshape(y, [...lead, outDim]);
}
