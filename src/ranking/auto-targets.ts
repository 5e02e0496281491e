/**
 * The standard candidate targets `auto_targets` generates: every configured measure at every
 * horizon, as short names of the target grammar (src/targets/grammar.ts). Each name is parsed
 * back with the grammar, so a name the target builder would refuse never reaches a later stage.
 */
import { formatTargetName, parseTargetName } from "../targets/grammar.js";
import { InputError } from "../util/errors.js";
import { AUTO_TARGET_MEASURES, type AutoTargetsConfig } from "./schema.js";

/**
 * Names in horizon-major order (all measures at the first horizon, then the next), without
 * duplicates (compared by canonical name, so a horizon listed twice counts once). Empty when
 * auto_targets is disabled.
 */
export function autoTargetNames(cfg: Pick<AutoTargetsConfig, "enabled" | "horizons" | "measures">): string[] {
  if (!cfg.enabled) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const h of cfg.horizons) {
    for (const m of cfg.measures) {
      const pattern = AUTO_TARGET_MEASURES[m];
      if (pattern === undefined) {
        throw new InputError(`pipeline.ranking.auto_targets.measures: unknown measure "${m}"`, `use one of: ${Object.keys(AUTO_TARGET_MEASURES).join(", ")}`);
      }
      const name = pattern.replace("H", String(h));
      let canonical: string;
      try {
        canonical = formatTargetName(parseTargetName(name));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new InputError(`pipeline.ranking.auto_targets: measure "${m}" at horizon ${h} gives an invalid target name "${name}": ${why}`, "check auto_targets.horizons and measures");
      }
      if (seen.has(canonical)) continue;
      seen.add(canonical);
      out.push(name);
    }
  }
  return out;
}

/**
 * The candidates to rank: the experiment's targets first, then the generated ones that are not
 * already among them (compared by canonical name, so fwd_ret_5 listed and generated counts once).
 * `listed` are the experiment's target names with their canonical names.
 */
export function mergeCandidates(listed: ReadonlyArray<{ name: string; canonical: string }>, generated: readonly string[]): string[] {
  const taken = new Set<string>();
  for (const t of listed) {
    taken.add(t.name);
    taken.add(t.canonical);
  }
  const out = listed.map((t) => t.name);
  for (const name of generated) {
    const canonical = formatTargetName(parseTargetName(name));
    if (taken.has(name) || taken.has(canonical)) continue;
    taken.add(canonical);
    out.push(name);
  }
  return out;
}
