import type { GbdtModel } from "./model.js";
import type { Tree } from "./tree.js";

/**
 * Export to XGBoost's JSON model format (as written by xgboost 1.7's save_model), so that Python's
 * xgboost loads the model and predicts the same numbers (up to XGBoost's float32 arithmetic).
 *
 * Mapping: our numeric rule "left when x < threshold" is XGBoost's. Categorical splits are
 * mirrored (XGBoost sends the listed categories right), and missing goes to the child that holds our
 * right side. Starting scores become one single-leaf tree per output at the front, and a random
 * forest's averaging is folded into its leaves; XGBoost's own base_score is set to a zero margin.
 * Objectives with an identity link are written as reg:squarederror (prediction = raw score).
 *
 * Returns the JSON text, not an object: XGBoost's parser rejects an integer where it expects a
 * float (e.g. a leaf value of 2 written as `2`), so float fields are written with a decimal point.
 */
export function toXGBoostJson(model: GbdtModel): string {
  return serialize(xgboostModelObject(model));
}

/** Marks an array whose numbers XGBoost reads as floats. */
class Floats {
  constructor(readonly values: readonly number[]) {}
}

function floatText(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot export non-finite value ${v} to XGBoost JSON`);
  const s = String(v);
  if (s.includes(".")) return s;
  const e = s.indexOf("e");
  return e < 0 ? `${s}.0` : `${s.slice(0, e)}.0${s.slice(e)}`;
}

function serialize(v: unknown): string {
  if (v instanceof Floats) return `[${v.values.map(floatText).join(",")}]`;
  if (Array.isArray(v)) return `[${v.map(serialize).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function xgboostModelObject(model: GbdtModel): unknown {
  const info = model.info;
  const K = info.numOutputs;
  const F = info.featureNames.length;
  const perOutput = model.trees.length / K;
  const scale = info.averageTrees && perOutput > 0 ? 1 / perOutput : 1;
  const trees: unknown[] = [];
  const treeInfo: number[] = [];
  for (let k = 0; k < K; k++) {
    trees.push(stump(info.baseScore[k], trees.length, F));
    treeInfo.push(k);
  }
  model.trees.forEach((t, i) => {
    trees.push(exportTree(t, trees.length, F, scale));
    treeInfo.push(i % K);
  });
  let objective: Record<string, unknown>;
  let baseScore: string;
  if (info.objective === "binary") {
    objective = { name: "binary:logistic", reg_loss_param: { scale_pos_weight: "1" } };
    baseScore = "5E-1";
  } else if (K > 1) {
    objective = { name: "multi:softprob", softmax_multiclass_param: { num_class: String(K) } };
    baseScore = "0E0";
  } else {
    objective = { name: "reg:squarederror", reg_loss_param: { scale_pos_weight: "1" } };
    baseScore = "0E0";
  }
  const categorical = new Set(info.categoricalFeatures);
  return {
    learner: {
      attributes: { foxml_family: info.family, foxml_objective: info.objective },
      feature_names: info.featureNames,
      feature_types: info.featureNames.map((_, f) => (categorical.has(f) ? "c" : "float")),
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: "1", num_trees: String(trees.length), size_leaf_vector: "0" },
          tree_info: treeInfo,
          trees,
        },
        name: "gbtree",
      },
      learner_model_param: { base_score: baseScore, boost_from_average: "0", num_class: K > 1 ? String(K) : "0", num_feature: String(F), num_target: "1" },
      objective,
    },
    version: [1, 7, 4],
  };
}

function stump(value: number, id: number, F: number): unknown {
  return {
    base_weights: new Floats([value]),
    categories: [],
    categories_nodes: [],
    categories_segments: [],
    categories_sizes: [],
    default_left: [0],
    id,
    left_children: [-1],
    loss_changes: new Floats([0]),
    parents: [2147483647],
    right_children: [-1],
    split_conditions: new Floats([value]),
    split_indices: [0],
    split_type: [0],
    sum_hessian: new Floats([1]),
    tree_param: { num_deleted: "0", num_feature: String(F), num_nodes: "1", size_leaf_vector: "0" },
  };
}

function exportTree(t: Tree, id: number, F: number, scale: number): unknown {
  const n = t.left.length;
  const parents = new Array<number>(n).fill(2147483647);
  for (let i = 0; i < n; i++) {
    if (t.left[i] !== -1) {
      parents[t.left[i]] = i;
      parents[t.right[i]] = i;
    }
  }
  const left: number[] = [];
  const right: number[] = [];
  const cond: number[] = [];
  const dflt: number[] = [];
  const splitType: number[] = [];
  const catNodes: number[] = [];
  const catSegments: number[] = [];
  const catSizes: number[] = [];
  const cats: number[] = [];
  for (let i = 0; i < n; i++) {
    const leaf = t.left[i] === -1;
    const c = t.categories[i];
    if (leaf) {
      left.push(-1);
      right.push(-1);
      cond.push(t.value[i] * scale);
      dflt.push(0);
      splitType.push(0);
    } else if (c) {
      // XGBoost: listed categories go right, everything else (and missing) left.
      left.push(t.right[i]);
      right.push(t.left[i]);
      cond.push(0);
      dflt.push(1);
      splitType.push(1);
      catNodes.push(i);
      catSegments.push(cats.length);
      catSizes.push(c.length);
      cats.push(...c);
    } else {
      left.push(t.left[i]);
      right.push(t.right[i]);
      cond.push(t.threshold[i]);
      dflt.push(t.defaultLeft[i] ? 1 : 0);
      splitType.push(0);
    }
  }
  return {
    base_weights: new Floats(t.value.map((v) => v * scale)),
    categories: cats,
    categories_nodes: catNodes,
    categories_segments: catSegments,
    categories_sizes: catSizes,
    default_left: dflt,
    id,
    left_children: left,
    loss_changes: new Floats(t.gain),
    parents,
    right_children: right,
    split_conditions: new Floats(cond),
    split_indices: t.feature.map((f) => Math.max(0, f)),
    split_type: splitType,
    sum_hessian: new Floats(t.hess),
    tree_param: { num_deleted: "0", num_feature: String(F), num_nodes: String(n), size_leaf_vector: "0" },
  };
}
