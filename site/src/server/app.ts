/**
 * The site's server (fastify): the built static pages (forms get a per-visitor CSRF token),
 * Stripe Checkout for a tier, the success and cancel returns, Stripe webhooks, and access requests.
 * Secrets come from `ServerSettings` (the environment) and never reach a response or a log line.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import Stripe from "stripe";
import { z } from "zod";
import type { ServerSettings, Tier } from "../config.js";
import { CSRF_PLACEHOLDER, esc, shell } from "../build/html.js";
import { contentSecurityPolicy, Csrf, parseCookies, RateLimiter } from "./security.js";
import { SiteStore } from "./store.js";
import { handleWebhook } from "./webhooks.js";

export interface SiteServerOptions {
  settings: ServerSettings;
  tiers: Tier[];
  distDir: string;
  /** Where Checkout pages live (the CSP's form-action); Stripe's by default. */
  checkoutOrigin?: string;
  now?: () => Date;
  /** Form posts per address: bucket size, refill per minute. */
  rateLimit?: { capacity: number; perMinute: number };
  onError?: (e: unknown) => void;
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8" };
const COOKIE = "foxml_csrf";

const AccessForm = z.strictObject({
  csrf: z.string(),
  name: z.string().trim().min(1, "give your name").max(200),
  email: z.string().trim().max(320).email("give a valid email address"),
  company: z.string().trim().max(200).default(""),
  tier: z.string().trim().min(1).max(40),
  message: z.string().trim().min(1, "tell us what you are building").max(5000),
});

const CheckoutForm = z.strictObject({ csrf: z.string(), tier: z.string().min(1).max(40), email: z.string().trim().max(320).email("give a valid email address") });

export function stripeClient(s: ServerSettings): Stripe {
  return new Stripe(s.stripeSecretKey, { maxNetworkRetries: 2, timeout: 10_000, ...(s.stripeApi ?? {}) });
}

export async function createSiteServer(o: SiteServerOptions): Promise<{ app: FastifyInstance; store: SiteStore; stripe: Stripe }> {
  const now = o.now ?? (() => new Date());
  const store = new SiteStore(o.settings.databasePath, now);
  const stripe = stripeClient(o.settings);
  const csrf = new Csrf(o.settings.csrfSecret);
  const limiter = new RateLimiter(o.rateLimit?.capacity ?? 10, o.rateLimit?.perMinute ?? 5);
  const secure = o.settings.baseUrl.startsWith("https:");
  const dist = realpathSync(o.distDir);
  const csp = contentSecurityPolicy(o.checkoutOrigin ?? "https://checkout.stripe.com");
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false, forceCloseConnections: true });
  await app.register(formbody);

  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("content-security-policy", csp);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "strict-origin-when-cross-origin");
    reply.header("x-frame-options", "DENY");
    if (secure) reply.header("strict-transport-security", "max-age=31536000");
    return payload;
  });
  app.setErrorHandler((error, _req, reply) => {
    o.onError?.(error);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    void reply.code(status >= 400 && status < 500 ? status : 500).type("text/html; charset=utf-8").send(message(status >= 500 ? "Something went wrong" : "Bad request", status >= 500 ? "Please try again in a moment." : "The request could not be read."));
  });

  /** A page with a form: a fresh nonce cookie and its token in the form. */
  function withToken(reply: FastifyReply, html: string): string {
    if (!html.includes(CSRF_PLACEHOLDER)) return html;
    const { nonce, token } = csrf.issue();
    reply.header("set-cookie", `${COOKIE}=${nonce}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`);
    reply.header("cache-control", "no-store");
    return html.split(CSRF_PLACEHOLDER).join(token);
  }

  function checkToken(req: FastifyRequest, token: string | undefined): boolean {
    return csrf.valid(parseCookies(req.headers.cookie)[COOKIE], token);
  }

  function message(title: string, text: string, extra = ""): string {
    return shell(title, "", `<h1>${esc(title)}</h1><p>${esc(text)}</p>${extra}<p><a href="/">Home</a></p>`);
  }

  const ip = (req: FastifyRequest) => req.socket.remoteAddress ?? "unknown";

  app.post("/api/request-access", async (req, reply) => {
    if (!limiter.take(`form:${ip(req)}`)) return reply.code(429).type("text/html; charset=utf-8").header("retry-after", "60").send(message("Too many requests", "Please wait a minute and try again."));
    const body = (req.body ?? {}) as Record<string, string>;
    if (!checkToken(req, body.csrf)) return reply.code(403).type("text/html; charset=utf-8").send(message("Form expired", "Reload the page and send the form again."));
    const parsed = AccessForm.safeParse(body);
    if (!parsed.success) {
      const list = parsed.error.issues.map((i) => `<li>${esc(String(i.path[0] ?? "form"))}: ${esc(i.message)}</li>`).join("");
      return reply.code(400).type("text/html; charset=utf-8").send(message("Please check the form", "Some fields need another look:", `<ul class="error">${list}</ul><p><a href="/request-access.html">Back to the form</a></p>`));
    }
    if (!o.tiers.some((t) => t.id === parsed.data.tier)) return reply.code(400).type("text/html; charset=utf-8").send(message("Please check the form", "Pick one of the listed tiers."));
    const { csrf: _t, ...request } = parsed.data;
    store.addAccessRequest(request, ip(req));
    return reply.type("text/html; charset=utf-8").send(message("Thank you", "We received your request and will answer within one business day."));
  });

  app.post("/api/checkout", async (req, reply) => {
    if (!limiter.take(`form:${ip(req)}`)) return reply.code(429).type("text/html; charset=utf-8").header("retry-after", "60").send(message("Too many requests", "Please wait a minute and try again."));
    const body = (req.body ?? {}) as Record<string, string>;
    if (!checkToken(req, body.csrf)) return reply.code(403).type("text/html; charset=utf-8").send(message("Form expired", "Reload the pricing page and try again."));
    const parsed = CheckoutForm.safeParse(body);
    const tier = parsed.success ? o.tiers.find((t) => t.id === parsed.data.tier) : undefined;
    if (!parsed.success || !tier?.stripe_price_id) return reply.code(400).type("text/html; charset=utf-8").send(message("Please check the form", parsed.success ? "That tier cannot be bought online." : (parsed.error.issues[0]?.message ?? "invalid form")));
    const recurring = tier.period !== "forever";
    const session = await stripe.checkout.sessions.create({
      mode: recurring ? "subscription" : "payment",
      line_items: [{ price: tier.stripe_price_id, quantity: 1 }],
      customer_email: parsed.data.email,
      metadata: { tier: tier.id },
      ...(recurring ? { subscription_data: { metadata: { tier: tier.id } } } : {}),
      success_url: `${o.settings.baseUrl}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${o.settings.baseUrl}/checkout/cancel`,
    });
    store.recordCheckout(session.id, tier.id, parsed.data.email);
    if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
    return reply.redirect(session.url, 303);
  });

  app.get("/checkout/success", async (req, reply) => {
    const id = String((req.query as Record<string, unknown>).session_id ?? "");
    if (!/^cs_[A-Za-z0-9_]+$/.test(id)) return reply.code(400).type("text/html; charset=utf-8").send(message("Unknown purchase", "This address does not name a checkout."));
    const session = await stripe.checkout.sessions.retrieve(id);
    const licence = store.licenceForSession(session.id);
    reply.header("cache-control", "no-store");
    if (licence) return reply.type("text/html; charset=utf-8").send(message("Thank you", `Your ${licence.tier} licence is ready. Keep this key; check it any time with foxml license verify.`, `<pre class="licence">${esc(licence.key)}</pre>`));
    return reply.type("text/html; charset=utf-8").send(message("Thank you", session.payment_status === "paid" ? "Your payment went through; your licence key is being issued. Reload this page in a few seconds." : "Your payment is being confirmed. Reload this page in a few seconds."));
  });

  app.get("/checkout/cancel", async (_req, reply) => reply.type("text/html; charset=utf-8").send(message("Checkout cancelled", "Nothing was charged.", `<p><a href="/pricing.html">Back to pricing</a></p>`)));

  await app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    scope.post("/api/webhooks/stripe", async (req, reply) => {
      const sig = req.headers["stripe-signature"];
      const r = handleWebhook({ stripe, store, secret: o.settings.stripeWebhookSecret, licensePrivateKey: o.settings.licensePrivateKey, tiers: o.tiers, now }, req.body as Buffer, typeof sig === "string" ? sig : undefined);
      return reply.code(r.status).send(r.body);
    });
  });

  app.get("/*", async (req, reply) => {
    const path = decodeURIComponent(new URL(req.url, "http://site.invalid").pathname);
    const rel = path.endsWith("/") ? `${path}index.html` : path;
    const file = resolve(dist, `.${rel}`);
    const inside = !relative(dist, file).startsWith("..") && !relative(dist, file).includes(`..${sep}`);
    if (!inside || !existsSync(file) || !statSync(file).isFile() || realpathSync(file) !== file) {
      const notFound = join(dist, "404.html");
      return reply.code(404).type("text/html; charset=utf-8").send(existsSync(notFound) ? readFileSync(notFound, "utf8") : "not found");
    }
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    const data = readFileSync(file);
    if (type.startsWith("text/html")) return reply.type(type).send(withToken(reply, data.toString("utf8")));
    return reply.type(type).header("cache-control", "max-age=300").send(data);
  });

  app.addHook("onClose", async () => store.close());
  return { app, store, stripe };
}
