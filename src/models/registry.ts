import type { Family } from "./family.js";
import { FoxmlError } from "../util/errors.js";

const families = new Map<string, Family<any>>();

export function registerFamily(family: Family<any>): void {
  if (families.has(family.name)) throw new Error(`model family "${family.name}" registered twice`);
  families.set(family.name, family);
}

export function getFamily(name: string): Family<any> {
  const f = families.get(name);
  if (!f) {
    throw new FoxmlError(`unknown model family "${name}"`, { hint: `known families: ${[...families.keys()].sort().join(", ") || "(none)"}` });
  }
  return f;
}

export function familyNames(): string[] {
  return [...families.keys()].sort();
}
