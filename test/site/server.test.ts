import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";
import { event, formToken, SECRET_KEY, siteFixture, WEBHOOK_SECRET } from "./helpers.js";

describe("site server against a local Stripe", () => {
  let fx: Awaited<ReturnType<typeof siteFixture>>;
  const bodies: string[] = [];
  beforeAll(async () => {
    fx = await siteFixture({ rateLimit: { capacity: 50, perMinute: 50 } });
  }, 60_000);
  afterAll(async () => fx?.close());

  async function buy(email = "quant@example.com"): Promise<string> {
    const { cookie, token } = await formToken(fx.url, "/pricing.html");
    const res = await fetch(`${fx.url}/api/checkout`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams({ csrf: token, tier: "pro", email }) });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${fx.fake.origin}/pay/cs_test_`));
    return location.split("/").pop()!;
  }

  it("purchase -> a Checkout Session for the tier's price -> webhook -> a licence issued once, valid offline", async () => {
    const id = await buy();
    const sent = fx.fake.requests.find((r) => r.method === "POST" && r.path === "/v1/checkout/sessions")!;
    const p = new URLSearchParams(sent.body);
    expect(p.get("line_items[0][price]")).toBe("price_pro_monthly");
    expect(p.get("mode")).toBe("subscription");
    expect(p.get("success_url")).toBe(`${fx.url}/checkout/success?session_id={CHECKOUT_SESSION_ID}`);
    // Before the webhook: the return page says the payment is being confirmed.
    const early = await (await fetch(`${fx.url}/checkout/success?session_id=${id}`)).text();
    expect(early).toContain("being confirmed");
    const session = fx.fake.complete(id);
    const evt = event("checkout.session.completed", session);
    const first = await fx.deliver(evt);
    expect(first).toEqual({ status: 200, body: { received: true, duplicate: false } });
    const again = await fx.deliver(evt);
    expect(again).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(fx.server.store.licences().filter((l) => l.session_id === id)).toHaveLength(1);
    const page = await (await fetch(`${fx.url}/checkout/success?session_id=${id}`)).text();
    bodies.push(page);
    const key = /<pre class="licence">([^<]+)<\/pre>/.exec(page)![1]!;
    const io = captureIo();
    expect(await main(["license", "verify", key, "--public-key", fx.publicKeyPath, "--json"], io)).toBe(0);
    const check = JSON.parse(io.stdout);
    expect(check).toMatchObject({ valid: true, expired: false, payload: { tier: "pro", customer: "quant@example.com" } });
    // A key altered by one character no longer verifies.
    const tampered = key.slice(0, 20) + (key[20] === "A" ? "B" : "A") + key.slice(21);
    const bad = captureIo();
    expect(await main(["license", "verify", tampered, "--public-key", fx.publicKeyPath], bad)).toBe(1);
    expect(bad.stderr).toContain("invalid licence");
    expect(fx.server.store.subscription(session.subscription!)).toMatchObject({ status: "active", tier: "pro" });
  });

  it("applies subscription events in creation order whatever the delivery order, and a failed payment downgrades", async () => {
    const sub = { id: "sub_test_order", object: "subscription", customer: "cus_test_9", status: "active", metadata: { tier: "pro" } };
    const t = Math.floor(Date.now() / 1000);
    expect((await fx.deliver(event("customer.subscription.updated", { ...sub, status: "active" }, t + 10))).status).toBe(200);
    // An older event arriving late changes nothing.
    expect((await fx.deliver(event("customer.subscription.updated", { ...sub, status: "incomplete" }, t + 5))).status).toBe(200);
    expect(fx.server.store.subscription(sub.id)!.status).toBe("active");
    await fx.deliver(event("invoice.payment_failed", { id: "in_test_1", object: "invoice", customer: "cus_test_9", subscription: sub.id }, t + 20));
    expect(fx.server.store.subscription(sub.id)!.status).toBe("past_due");
    await fx.deliver(event("customer.subscription.deleted", { ...sub, status: "canceled" }, t + 30));
    expect(fx.server.store.subscription(sub.id)!.status).toBe("canceled");
    expect(fx.server.store.auditTrail().map((a) => a.action)).toEqual(expect.arrayContaining(["subscription.stale_event_ignored", "invoice.payment_failed", "licence.issued", "purchase.completed"]));
  });

  it("rejects unsigned, badly signed and stale webhooks and changes nothing", async () => {
    const before = fx.server.store.auditTrail().length;
    const evt = event("customer.subscription.updated", { id: "sub_forged", object: "subscription", customer: "cus_x", status: "active", metadata: {} });
    for (const attempt of [
      await fx.deliver(evt, { signature: null }),
      await fx.deliver(evt, { secret: "whsec_wrong" }),
      await fx.deliver(evt, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      await fx.deliver(evt, { signature: "t=1,v1=deadbeef" }),
    ]) {
      expect(attempt.status).toBe(400);
      bodies.push(JSON.stringify(attempt.body));
    }
    expect(fx.server.store.subscription("sub_forged")).toBeUndefined();
    expect(fx.server.store.auditTrail().length).toBe(before);
  });

  it("stores an access request, and refuses bad input, a missing token and a forged one", async () => {
    const send = async (fields: Record<string, string>, cookie?: string) => {
      const res = await fetch(`${fx.url}/api/request-access`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(fields) });
      const text = await res.text();
      bodies.push(text);
      return { status: res.status, text };
    };
    const { cookie, token } = await formToken(fx.url, "/request-access.html");
    const good = { csrf: token, name: "Ada", email: "ada@example.com", company: "Lovelace Capital", tier: "enterprise", message: "Live trading across 3,000 symbols." };
    expect((await send(good, cookie)).status).toBe(200);
    expect(fx.server.store.accessRequests()).toEqual([expect.objectContaining({ name: "Ada", email: "ada@example.com", tier: "enterprise" })]);
    const badEmail = await send({ ...good, email: "not-an-email" }, cookie);
    expect(badEmail.status).toBe(400);
    expect(badEmail.text).toContain("valid email");
    expect((await send({ ...good, tier: "platinum" }, cookie)).status).toBe(400);
    expect((await send({ ...good, extra: "x" }, cookie)).status).toBe(400);
    expect((await send({ ...good, csrf: "" }, cookie)).status).toBe(403);
    expect((await send(good)).status).toBe(403); // no cookie: a cross-site post
    expect((await send({ ...good, csrf: token.slice(0, -2) + "xx" }, cookie)).status).toBe(403);
    expect(fx.server.store.accessRequests()).toHaveLength(1);
  });

  it("never sends a secret to the browser", async () => {
    for (const page of ["/", "/pricing.html", "/request-access.html", "/docs/index.html", "/checkout/cancel"]) bodies.push(await (await fetch(fx.url + page)).text());
    const pem = readFileSync(fx.publicKeyPath, "utf8");
    for (const b of bodies) {
      expect(b).not.toContain(SECRET_KEY);
      expect(b).not.toContain(WEBHOOK_SECRET);
      expect(b).not.toContain("PRIVATE KEY");
      expect(b).not.toContain(pem.split("\n")[1]!);
    }
    expect(fx.errors).toEqual([]);
  });
});

describe("site rate limit", () => {
  it("answers 429 after the bucket empties", async () => {
    const fx = await siteFixture({ rateLimit: { capacity: 3, perMinute: 1 } });
    try {
      const { cookie, token } = await formToken(fx.url, "/request-access.html");
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${fx.url}/api/request-access`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams({ csrf: token, name: "A", email: "a@example.com", tier: "pro", message: "hi" }) });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await fx.close();
    }
  });
});

describe("site build", () => {
  it("renders every doc page and keeps every page's script at 0 bytes", async () => {
    const fx = await siteFixture();
    try {
      const dist = join(fx.dir, "dist");
      const docs = readdirSync(join(dist, "docs"), { recursive: true }).filter((f) => String(f).endsWith(".html"));
      expect(docs.length).toBeGreaterThanOrEqual(15);
      for (const f of ["index.html", "pricing.html", "request-access.html", "overview.html"]) expect(readFileSync(join(dist, f), "utf8")).not.toContain("<script");
      const home = readFileSync(join(dist, "index.html"), "utf8");
      expect(home).toContain("No finished run was found"); // honest when there is nothing to show
    } finally {
      await fx.close();
    }
  });
});

describe("foxml license keygen", () => {
  it("writes a key pair that signs and verifies, keeps the private key private, and never overwrites it", async () => {
    const { mkdtempSync, statSync, readFileSync: read } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { signLicense } = await import("../../src/license/license.js");
    const dir = mkdtempSync(join((tmpdir as () => string)(), "foxml-keys-"));
    const io = captureIo();
    expect(await main(["license", "keygen", "--out", dir], io)).toBe(0);
    expect(statSync(join(dir, "license_private.pem")).mode & 0o077).toBe(0);
    const key = signLicense({ format: "foxml.license", id: "lic_1", tier: "pro", customer: "a@b.c", issued_at: "2026-01-01T00:00:00Z", expires_at: "2026-02-01T00:00:00Z", features: [] }, read(join(dir, "license_private.pem"), "utf8"));
    const check = captureIo();
    expect(await main(["license", "verify", key, "--public-key", join(dir, "license_public.pem")], check)).toBe(1); // expired
    expect(check.stdout).toContain("expired licence lic_1");
    const again = captureIo();
    expect(await main(["license", "keygen", "--out", dir], again)).toBe(2);
    expect(again.stderr).toContain("refusing to overwrite");
    const none = captureIo();
    const saved = process.env.FOXML_LICENSE_PUBLIC_KEY;
    delete process.env.FOXML_LICENSE_PUBLIC_KEY;
    expect(await main(["license", "verify", key], none)).toBe(2);
    if (saved !== undefined) process.env.FOXML_LICENSE_PUBLIC_KEY = saved;
    expect(none.stderr).toContain("no public key");
  });
});
