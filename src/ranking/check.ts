/**
 * A pre-flight check of pipeline.ranking.families, for configuration validation before a run: every
 * family is registered and its hyperparameters pass its own schema. (At run time a bad family is
 * recorded as failed for each target and ranking goes on with the others; this finds the mistake
 * before any data is read.)
 */
import "../models/index.js";
import { familyNames, getFamily } from "../models/registry.js";
import type { RankingConfig } from "./schema.js";

export interface RankingConfigIssue {
  /** Key path under pipeline.ranking, e.g. ["families", 0, "hyperparameters", "num_leaves"]. */
  path: Array<string | number>;
  message: string;
}

export function rankingFamilyIssues(config: Pick<RankingConfig, "families">): RankingConfigIssue[] {
  const issues: RankingConfigIssue[] = [];
  const known = familyNames();
  config.families.forEach((entry, i) => {
    if (!known.includes(entry.name)) {
      issues.push({ path: ["families", i, "name"], message: `unknown model family "${entry.name}"; known families: ${known.join(", ")}` });
      return;
    }
    const parsed = getFamily(entry.name).paramsSchema.safeParse(entry.hyperparameters);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      issues.push({ path: ["families", i, "hyperparameters", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: `${entry.name}: ${issue.message}` });
    }
  });
  return issues;
}
