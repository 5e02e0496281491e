import { FoxmlError } from "../util/errors.js";
import { EWM_TAIL_MASS } from "./convention.js";
import { calendarFeatures } from "./library/calendar.js";
import { crossSectionalSpec, DEFAULT_CROSS_SECTIONAL } from "./library/cross_sectional.js";
import type { LibraryOptions } from "./library/define.js";
import { returnFeatures } from "./library/returns.js";
import { technicalFeatures } from "./library/technical.js";
import { volatilityFeatures } from "./library/volatility.js";
import { volumeAndRangeFeatures } from "./library/volume.js";
import { FEATURE_NAME_RE, type FeatureSpec } from "./spec.js";

/** Problems with a spec's declaration, empty when it is complete and consistent. */
export function specProblems(spec: FeatureSpec): string[] {
  const p: string[] = [];
  if (typeof spec.name !== "string" || spec.name.length === 0) p.push("name is empty");
  else if (spec.origin === "builtin" && !FEATURE_NAME_RE.test(spec.name.replace(/__/g, "_")))
    p.push(`name "${spec.name}" must match ${FEATURE_NAME_RE}`);
  if (!spec.family) p.push("family is empty");
  if (!(Number.isInteger(spec.lookback) && spec.lookback >= 1)) p.push(`lookback ${spec.lookback} must be an integer >= 1`);
  if (!(Number.isInteger(spec.lag) && spec.lag >= 0)) p.push(`lag ${spec.lag} must be an integer >= 0`);
  if (spec.kind !== "timeseries" && spec.kind !== "cross_sectional") p.push(`kind "${String((spec as { kind: unknown }).kind)}" is unknown`);
  if (!spec.description || spec.description.trim().length < 10) p.push("description is missing or too short");
  if (!Array.isArray(spec.inputs) || spec.inputs.some((c) => typeof c !== "string" || c.length === 0)) p.push("inputs must be column names");
  else if (new Set(spec.inputs).size !== spec.inputs.length) p.push("inputs repeat a column");
  if (spec.kind === "timeseries" && spec.inputs.length === 0 && !spec.dataFree) p.push("a feature with no inputs must be marked dataFree");
  const h = spec.allowedHorizons;
  if (h && ((h.min !== undefined && !(h.min >= 1)) || (h.max !== undefined && !(h.max >= (h.min ?? 1)))))
    p.push(`allowedHorizons ${JSON.stringify(h)} is not a range of horizons >= 1`);
  return p;
}

/**
 * Every feature FoxML can compute, each declared once. Names are unique; a cross-sectional spec's
 * base must be registered first. Everything in a registry runs through the causality property
 * test, so adding a feature here is all it takes to have it checked.
 */
export class FeatureRegistry {
  private readonly byName = new Map<string, FeatureSpec>();

  register(spec: FeatureSpec): this {
    const problems = specProblems(spec);
    if (problems.length > 0) throw new FoxmlError(`feature "${spec.name}" is declared incorrectly: ${problems.join("; ")}`);
    if (this.byName.has(spec.name)) throw new FoxmlError(`feature "${spec.name}" is declared twice`);
    if (spec.kind === "cross_sectional" && this.byName.get(spec.base)?.kind !== "timeseries")
      throw new FoxmlError(`cross-sectional feature "${spec.name}" transforms "${spec.base}", which is not a registered time-series feature`);
    this.byName.set(spec.name, spec);
    return this;
  }

  get(name: string): FeatureSpec | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  list(): FeatureSpec[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get size(): number {
    return this.byName.size;
  }
}

/** The standard time-series library (no cross-sectional transforms). */
export function standardTimeSeriesSpecs(opts: LibraryOptions = {}): FeatureSpec[] {
  const tail = opts.ewmTailMass ?? EWM_TAIL_MASS;
  if (!(tail > 0 && tail < 0.5)) throw new RangeError(`ewmTailMass must be in (0, 0.5), got ${tail}`);
  return [
    ...returnFeatures(),
    ...volatilityFeatures(),
    ...technicalFeatures(tail),
    ...volumeAndRangeFeatures(),
    ...calendarFeatures(opts.calendarUtcOffsetMinutes ?? 0),
  ];
}

/** A registry holding the standard library plus its default cross-sectional transforms. */
export function standardRegistry(opts: LibraryOptions = {}): FeatureRegistry {
  const reg = new FeatureRegistry();
  for (const spec of standardTimeSeriesSpecs(opts)) reg.register(spec);
  for (const group of DEFAULT_CROSS_SECTIONAL) {
    for (const name of group.features) {
      const base = reg.get(name);
      if (!base) throw new FoxmlError(`internal: default cross-sectional base "${name}" is not in the library`, { exitCode: 1 });
      for (const t of group.transforms) reg.register(crossSectionalSpec(base, t));
    }
  }
  return reg;
}
