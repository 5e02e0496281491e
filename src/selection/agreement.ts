/**
 * How much the methods agree: Spearman correlation between every two methods' importances over
 * the candidate features (the model-agreement matrix of the selection report). Low agreement is a
 * warning that the consensus leans on whichever methods carry the most weight.
 */
import { spearman } from "../validation/metrics/index.js";

export interface AgreementMatrix {
  methods: string[];
  /** matrix[i][j] = Spearman(methods[i], methods[j]); 1 on the diagonal; null where undefined (a method with constant scores). */
  matrix: Array<Array<number | null>>;
}

export function agreementMatrix(methods: ReadonlyArray<{ name: string; values: Float64Array }>): AgreementMatrix {
  const n = methods.length;
  const matrix: Array<Array<number | null>> = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  for (let i = 0; i < n; i++) {
    matrix[i][i] = 1;
    for (let j = i + 1; j < n; j++) {
      const r = spearman(methods[i].values, methods[j].values);
      const v = Number.isFinite(r) ? r : null;
      matrix[i][j] = v;
      matrix[j][i] = v;
    }
  }
  return { methods: methods.map((m) => m.name), matrix };
}
