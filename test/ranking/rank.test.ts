/**
 * rankTargets and rankingsCsv on hand-built scores: order, the bar and top N, the guarantee that one
 * target continues, failed families and unscored targets, a composite that is scale-free (so
 * metrics of different types and horizons compare by their evidence), and RFC 4180 output.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FamilyScore, TargetScore } from "../../src/ranking/index.js";
import { rankingSchema, rankingsCsv, rankTargets, summarizeTarget } from "../../src/ranking/index.js";

const config = rankingSchema.parse({ top_n: 2, min_t_stat: 2 });

interface FamilySpec {
  name?: string;
  /** Skill above no skill per block of time; the t-statistic and mean follow from it. */
  blocks?: number[];
  folds?: number[];
  symbols?: number[];
  status?: FamilyScore["status"];
  error?: string;
}

function tOf(x: number[]): number {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return m / (sd / Math.sqrt(n));
}

function family(f: FamilySpec, noSkill: number): FamilyScore {
  const name = f.name ?? "lightgbm";
  if (f.status !== undefined && f.status !== "ok") {
    return { family: name, fittedAs: null, status: f.status, error: f.error ?? "boom", score: { value: NaN, t: NaN, n: 0 }, skill: NaN, folds: [], blockSkill: [], symbolSkill: [], seconds: 0 };
  }
  const blocks = f.blocks ?? [0.05, 0.03, 0.04, 0.06, 0.02, 0.05];
  const skill = blocks.reduce((a, b) => a + b, 0) / blocks.length;
  const folds = f.folds ?? [skill, skill, skill, skill];
  return {
    family: name,
    fittedAs: name,
    status: "ok",
    error: null,
    score: { value: skill + noSkill, t: tOf(blocks), n: 1000 },
    skill,
    folds: folds.map((s, i) => ({ fold: i, skill: s, n: 250, trainRows: 700, testRows: 250 })),
    blockSkill: blocks,
    symbolSkill: f.symbols ?? [skill, skill, -skill, skill],
    seconds: 1,
  };
}

function score(target: string, families: FamilySpec[], o: { metric?: "ic" | "auc" | "rank_correlation"; agreement?: number } = {}): TargetScore {
  const metric = o.metric ?? "ic";
  const noSkill = metric === "auc" ? 0.5 : 0;
  return {
    target,
    type: metric === "auc" ? "binary" : "regression",
    horizon: 5,
    window: 5,
    metric,
    noSkill,
    symbols: ["A", "B", "C", "D"],
    rows: 1000,
    timestamps: 250,
    folds: 4,
    foldsRequested: 4,
    foldsAdapted: null,
    blocks: 6,
    families: families.map((f) => family(f, noSkill)),
    agreement: o.agreement ?? 0.5,
    agreementPairs: [],
    seconds: 2,
  };
}

const strong = [0.05, 0.04, 0.06, 0.05, 0.04, 0.06];
const medium = [0.03, 0.01, 0.04, 0.02, 0.03, 0.01];
const weak = [0.01, -0.02, 0.03, -0.01, 0.02, 0.0];
const negative = strong.map((v) => -v);

describe("rankTargets", () => {
  it("orders by composite, keeps the top N that clear the bar and says why each is dropped", () => {
    const file = rankTargets(
      [score("weak", [{ blocks: weak }]), score("strong", [{ blocks: strong }]), score("bad", [{ blocks: negative }]), score("medium", [{ blocks: medium }]), score("medium2", [{ blocks: medium.map((v) => v * 0.9) }])],
      config,
    );
    expect(file.targets.map((r) => r.target)).toEqual(["strong", "medium", "medium2", "weak", "bad"]);
    expect(file.targets.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(file.kept).toEqual(["strong", "medium"]);
    const by = Object.fromEntries(file.targets.map((r) => [r.target, r]));
    expect(by.strong.reason).toMatch(/^kept: 1st of the targets that clear the bar/);
    expect(by.medium2.reason).toMatch(/^dropped: clears the bar .* but only the top 2 continue/);
    expect(by.weak.reason).toMatch(/^dropped: unpredictable: .*t = [\d.]+.* < min_t_stat 2/);
    expect(by.bad.reason).toMatch(/^dropped: no out-of-sample skill/);
    expect(by.bad.composite!).toBeLessThan(0);
    expect(by.strong.t_stat).toBeCloseTo(tOf(strong), 4);
    expect(by.strong.skill).toBeCloseTo(0.05, 6);
    expect(file.weights).toEqual({ skill: 0.6, stability: 0.25, agreement: 0.15 });
    expect(file.families).toEqual(["lightgbm"]);
  });

  it("keeps the best target when none clears the bar, and says it is exploratory", () => {
    const file = rankTargets([score("w1", [{ blocks: weak }]), score("w2", [{ blocks: weak.map((v) => v + 0.004) }]), score("bad", [{ blocks: negative }])], config);
    expect(file.kept).toEqual(["w2"]);
    const row = file.targets.find((r) => r.target === "w2")!;
    expect(row.kept).toBe(true);
    expect(row.reason).toMatch(/^kept although below the bar .* at least one must continue/);
  });

  it("records failed and unsupported families and goes on with the others", () => {
    const file = rankTargets(
      [
        score("a", [{ name: "lightgbm", blocks: strong }, { name: "ridge", status: "failed", error: "family ridge: invalid hyperparameters: lambda: too small" }]),
        score("b", [{ name: "lightgbm", blocks: medium }, { name: "ridge", blocks: medium }]),
        score("c", [
          { name: "lightgbm", status: "failed", error: "out of memory" },
          { name: "ridge", status: "unsupported", error: "family ridge does not learn binary targets" },
        ]),
      ],
      { ...config, families: [{ name: "lightgbm", hyperparameters: {} }, { name: "ridge", hyperparameters: {} }] },
    );
    const by = Object.fromEntries(file.targets.map((r) => [r.target, r]));
    expect(by.a.kept).toBe(true);
    expect(by.a.reason).toMatch(/ridge failed: family ridge: invalid hyperparameters/);
    expect(by.a.by_family.ridge).toMatchObject({ score: null, folds: [], status: "failed" });
    expect(by.a.by_family.lightgbm.folds).toHaveLength(4);
    expect(by.c.composite).toBeNull();
    expect(by.c.kept).toBe(false);
    expect(by.c.rank).toBe(3);
    expect(by.c.reason).toMatch(/^dropped: no family could score it \(lightgbm failed: out of memory; ridge unsupported: /);
    // ridge did not score every target
    expect(file.families).toEqual([]);
  });

  it("lists targets that could not be scored last", () => {
    const file = rankTargets([score("a", [{ blocks: strong }])], config, { unscored: [{ target: "fwd_ret_500", type: "regression", horizon: 500, reason: "too few labelled timestamps" }] });
    expect(file.targets.map((r) => [r.rank, r.target, r.kept])).toEqual([
      [1, "a", true],
      [2, "fwd_ret_500", false],
    ]);
    expect(file.targets[1].reason).toBe("dropped: not scored: too few labelled timestamps");
  });

  it("does not depend on the order of the scores and gives the same file twice", () => {
    const scores = [score("x", [{ blocks: strong }]), score("y", [{ blocks: medium }]), score("z", [{ blocks: weak }])];
    const a = rankTargets(scores, config);
    expect(rankTargets([...scores].reverse(), config)).toEqual(a);
    expect(JSON.stringify(rankTargets(scores, config))).toBe(JSON.stringify(a));
  });

  it("refuses a target scored twice", () => {
    expect(() => rankTargets([score("x", [{}]), score("x", [{}])], config)).toThrow(/scored twice/);
  });
});

describe("the composite", () => {
  const blocksArb = fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: 4, maxLength: 20 });

  it("is scale-free: an AUC and an IC with the same evidence score alike, whatever their size", () => {
    fc.assert(
      fc.property(blocksArb, fc.double({ min: 0.05, max: 20, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (blocks, k, agreement) => {
        const ic = summarizeTarget(score("t", [{ blocks }], { agreement }), config);
        // the same evidence on another scale: every block, fold and symbol skill times k
        const auc = summarizeTarget(score("t", [{ blocks: blocks.map((v) => v * k) }], { metric: "auc", agreement }), config);
        if (!Number.isFinite(ic.t) || Math.abs(ic.skill) < 1e-9) return;
        expect(auc.composite).toBeCloseTo(ic.composite, 9);
        expect(ic.composite).toBeGreaterThanOrEqual(-1);
        expect(ic.composite).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("rises with the evidence of skill, other things equal", () => {
    const lo = summarizeTarget(score("t", [{ blocks: medium }]), config);
    const hi = summarizeTarget(score("t", [{ blocks: strong }]), config);
    expect(hi.t).toBeGreaterThan(lo.t);
    expect(hi.composite).toBeGreaterThan(lo.composite);
  });

  it("counts stability against negative skill and agreement only with skill", () => {
    const neg = summarizeTarget(score("t", [{ blocks: negative }], { agreement: 0.9 }), config);
    expect(neg.stability).toBeGreaterThan(0.6); // consistently wrong...
    expect(neg.parts.stability).toBeLessThan(0); // ...is no merit
    expect(neg.parts.agreement).toBe(0);
    const noAgreement = summarizeTarget(score("t", [{ blocks: negative }], { agreement: 0 }), config);
    expect(noAgreement.composite).toBe(neg.composite);
  });

  it("measures stability over folds and symbols with equal weight", () => {
    // folds: 3 of 4 positive; symbols: 1 of 4 positive -> (0.75 + 0.25) / 2
    const s = summarizeTarget(score("t", [{ blocks: strong, folds: [0.1, 0.1, 0.1, -0.1], symbols: [0.1, -0.1, -0.1, -0.1] }]), config);
    expect(s.stability).toBeCloseTo(0.5, 12);
  });

  it("takes the t-statistic of the best family", () => {
    const s = summarizeTarget(score("t", [{ name: "lightgbm", blocks: medium }, { name: "ridge", blocks: strong }]), config);
    expect(s.bestFamily).toBe("ridge");
    expect(s.t).toBeCloseTo(tOf(strong), 10);
    expect(s.skill).toBeCloseTo((0.05 + 0.02333333333) / 2, 6);
  });
});

/** A small RFC 4180 reader, to check the writer against. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  return rows;
}

describe("rankingsCsv", () => {
  it("writes one row per target with per-family columns, quoting by RFC 4180", () => {
    const file = rankTargets(
      [score("a", [{ name: "lightgbm", blocks: strong }, { name: "ridge", status: "failed", error: 'bad "lambda", see\nline 2' }]), score("b", [{ name: "lightgbm", blocks: weak }, { name: "ridge", blocks: weak }])],
      { ...config, families: [{ name: "lightgbm", hyperparameters: {} }, { name: "ridge", hyperparameters: {} }] },
    );
    const text = rankingsCsv(file);
    expect(text.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3);
    const header = rows[0];
    expect(header.slice(0, 12)).toEqual(["rank", "target", "type", "horizon", "metric", "skill", "stability", "agreement", "t_stat", "composite", "kept", "reason"]);
    expect(header.slice(12)).toEqual([
      "lightgbm_status",
      "lightgbm_skill",
      "lightgbm_t",
      "lightgbm_fold1",
      "lightgbm_fold2",
      "lightgbm_fold3",
      "lightgbm_fold4",
      "ridge_status",
      "ridge_skill",
      "ridge_t",
      "ridge_fold1",
      "ridge_fold2",
      "ridge_fold3",
      "ridge_fold4",
    ]);
    for (const r of rows) expect(r).toHaveLength(header.length);
    const a = rows.find((r) => r[1] === "a")!;
    expect(a[11]).toBe(file.targets.find((t) => t.target === "a")!.reason);
    expect(a[11]).toContain('bad "lambda", see\nline 2');
    expect(text).toContain('""lambda""');
    expect(a[header.indexOf("ridge_status")]).toBe("failed");
    expect(a[header.indexOf("ridge_skill")]).toBe("");
    expect(Number(a[header.indexOf("lightgbm_skill")])).toBeCloseTo(0.05, 6);
    expect(a[10]).toBe("true");
  });
});
