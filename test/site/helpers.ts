import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { loadTiers, type ServerSettings } from "../../site/src/config.js";
import { buildSite } from "../../site/src/build/build.js";
import { createSiteServer } from "../../site/src/server/app.js";
import { generateLicenseKeys } from "../../src/license/license.js";
import { FakeStripe } from "./fake-stripe.js";

export const SECRET_KEY = "sk_test_PLANTED_site_secret_4242";
export const WEBHOOK_SECRET = "whsec_PLANTED_webhook_secret_77";

export async function siteFixture(o: { rateLimit?: { capacity: number; perMinute: number } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "foxml-site-"));
  const fake = new FakeStripe(SECRET_KEY);
  await fake.start();
  const keys = generateLicenseKeys();
  const publicKeyPath = join(dir, "license_public.pem");
  writeFileSync(publicKeyPath, keys.publicKeyPem);
  const { out } = buildSite({ out: join(dir, "dist"), runsDir: join(dir, "no-runs") });
  const settings: ServerSettings = {
    baseUrl: "http://127.0.0.1:0",
    stripeSecretKey: SECRET_KEY,
    stripeWebhookSecret: WEBHOOK_SECRET,
    licensePrivateKey: keys.privateKeyPem,
    databasePath: join(dir, "site.sqlite"),
    stripeApi: { host: "127.0.0.1", port: fake.port, protocol: "http" },
  };
  const errors: unknown[] = [];
  const server = await createSiteServer({ settings, tiers: loadTiers(), distDir: out, checkoutOrigin: fake.origin, rateLimit: o.rateLimit, onError: (e) => errors.push(e) });
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const addr = server.app.server.address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  settings.baseUrl = url; // success and cancel returns come back here
  const signer = new Stripe(SECRET_KEY);
  /** A webhook delivery as Stripe makes it: the event JSON and its Stripe-Signature header. */
  const deliver = async (event: Record<string, unknown>, opts: { secret?: string; timestamp?: number; signature?: string | null } = {}) => {
    const payload = JSON.stringify(event);
    const header = opts.signature === null ? undefined : (opts.signature ?? signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET, timestamp: opts.timestamp }));
    const res = await fetch(`${url}/api/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", ...(header ? { "stripe-signature": header } : {}) }, body: payload });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    dir,
    url,
    fake,
    server,
    publicKeyPath,
    deliver,
    errors,
    async close() {
      await server.app.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let nEvent = 0;
export function event(type: string, object: unknown, created = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { id: `evt_test_${++nEvent}_${type.replace(/\W/g, "")}`, object: "event", api_version: "2025-01-01", created, livemode: false, type, data: { object } };
}

/** A form page's CSRF cookie and token, as a browser gets them. */
export async function formToken(url: string, page: string): Promise<{ cookie: string; token: string }> {
  const res = await fetch(url + page);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const token = /name="csrf" value="([^"]+)"/.exec(await res.text())![1]!;
  return { cookie, token };
}
