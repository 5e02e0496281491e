/** A licence for a completed purchase: signed once per Checkout Session, whatever the deliveries. */
import { createHash } from "node:crypto";
import { signLicense } from "../../../src/license/license.js";
import type { SiteStore } from "./store.js";

export function issueLicence(store: SiteStore, privateKeyPem: string, o: { sessionId: string; tier: string; email: string; features: string[]; now: Date }): string {
  const existing = store.licenceForSession(o.sessionId);
  if (existing) return existing.key;
  // The id is derived from the session, so a retry after a crash names the same licence.
  const id = `lic_${createHash("sha256").update(o.sessionId).digest("hex").slice(0, 20)}`;
  const key = signLicense({ format: "foxml.license", id, tier: o.tier, customer: o.email, issued_at: o.now.toISOString(), expires_at: null, features: o.features }, privateKeyPem);
  store.addLicence(id, o.sessionId, o.tier, o.email, key);
  return key;
}
