/**
 * Licence keys: a signed statement of what a customer bought, verifiable offline. The key is
 * `FOXML1.<payload>.<signature>` (base64url), the signature Ed25519 over `FOXML1.<payload>`. The
 * website signs with the private key (from its environment); `foxml license verify` checks with
 * the public key, with no network.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";

const PREFIX = "FOXML1";

export const LicensePayloadSchema = z.strictObject({
  format: z.literal("foxml.license"),
  id: z.string().min(1),
  tier: z.string().min(1),
  customer: z.string().min(1),
  issued_at: z.string().min(1),
  expires_at: z.string().min(1).nullable(),
  features: z.array(z.string()),
});
export type LicensePayload = z.infer<typeof LicensePayloadSchema>;

export type LicenseCheck = { valid: true; payload: LicensePayload; expired: boolean } | { valid: false; reason: string };

function toKey(pem: string | KeyObject, kind: "private" | "public"): KeyObject {
  if (typeof pem !== "string") return pem;
  return kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
}

export function signLicense(payload: LicensePayload, privateKeyPem: string | KeyObject): string {
  const body = `${PREFIX}.${Buffer.from(JSON.stringify(LicensePayloadSchema.parse(payload))).toString("base64url")}`;
  const sig = sign(null, Buffer.from(body), toKey(privateKeyPem, "private"));
  return `${body}.${sig.toString("base64url")}`;
}

export function verifyLicense(key: string, publicKeyPem: string | KeyObject, now: Date = new Date()): LicenseCheck {
  const parts = key.trim().split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) return { valid: false, reason: `not a FoxML licence key (expected ${PREFIX}.<payload>.<signature>)` };
  let ok = false;
  try {
    ok = verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), toKey(publicKeyPem, "public"), Buffer.from(parts[2]!, "base64url"));
  } catch {
    ok = false;
  }
  if (!ok) return { valid: false, reason: "the signature does not match: the key was altered, or signed with another key" };
  let payload: LicensePayload;
  try {
    payload = LicensePayloadSchema.parse(JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")));
  } catch {
    return { valid: false, reason: "the signed content is not a licence this version understands" };
  }
  const expired = payload.expires_at !== null && Date.parse(payload.expires_at) < now.getTime();
  return { valid: true, payload, expired };
}

/** A new Ed25519 key pair, as PEM. */
export function generateLicenseKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}
