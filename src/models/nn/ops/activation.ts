import { tf, type TF } from "../runtime/backend.js";

export const ACTIVATIONS = ["relu", "gelu", "tanh", "elu", "silu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function activate(x: TF.Tensor, a: Activation): TF.Tensor {
  switch (a) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "elu":
      return tf.elu(x);
    case "silu":
      return tf.mul(x, tf.sigmoid(x));
    case "gelu":
      // tanh approximation (Hendrycks & Gimpel), as in GPT-2 and PyTorch's approximate="tanh"
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  }
}

