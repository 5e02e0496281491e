/**
 * The site's settings: tiers from tiers.yaml (validated; a wrong key names the file and key), and
 * the server's from the environment. Secrets (Stripe keys, the webhook secret, the licence signing
 * key) come only from the environment and are never logged or sent to a browser.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";

export const SITE_ROOT = fileURLToPath(new URL("..", import.meta.url));

export const TierSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  name: z.string().min(1),
  price: z.number().min(0).nullable(),
  currency: z.string().length(3),
  period: z.enum(["month", "year", "forever"]),
  stripe_price_id: z.string().min(1).optional(),
  features: z.array(z.string().min(1)).min(1),
  cta: z.string().min(1),
});
export type Tier = z.infer<typeof TierSchema>;

export function loadTiers(path = `${SITE_ROOT}tiers.yaml`): Tier[] {
  const raw = parse(readFileSync(path, "utf8")) as unknown;
  const r = z.strictObject({ tiers: z.array(TierSchema).min(1) }).safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${path}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  const ids = new Set<string>();
  for (const t of r.data.tiers) {
    if (ids.has(t.id)) throw new Error(`${path}: tiers: id "${t.id}" is listed twice`);
    ids.add(t.id);
  }
  return r.data.tiers;
}

export interface ServerSettings {
  /** Public base URL of the site (success and cancel return addresses). */
  baseUrl: string;
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  /** Ed25519 private key PEM that signs licences. */
  licensePrivateKey: string;
  /** Where the SQLite database lives. */
  databasePath: string;
  /** For tests: the Stripe API host, port and protocol (a local Stripe-shaped server). */
  stripeApi?: { host: string; port: number; protocol: "http" | "https" };
  /** Secret for CSRF tokens (random per process when unset). */
  csrfSecret?: string;
}

/** The server's settings from the environment; a missing secret is an error naming the variable. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): ServerSettings {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set: the site server reads its secrets only from the environment`);
    return v;
  };
  const key = need("STRIPE_SECRET_KEY");
  if (!key.startsWith("sk_test_") && env.FOXML_SITE_LIVE !== "1") throw new Error("STRIPE_SECRET_KEY is not a test-mode key (sk_test_...): set FOXML_SITE_LIVE=1 to take real payments");
  return {
    baseUrl: env.FOXML_SITE_URL ?? "http://127.0.0.1:8787",
    stripeSecretKey: key,
    stripeWebhookSecret: need("STRIPE_WEBHOOK_SECRET"),
    licensePrivateKey: need("FOXML_LICENSE_PRIVATE_KEY"),
    databasePath: env.FOXML_SITE_DB ?? "site-data/site.sqlite",
    csrfSecret: env.FOXML_SITE_CSRF_SECRET,
  };
}
