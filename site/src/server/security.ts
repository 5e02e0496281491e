/**
 * Form protection: CSRF tokens (HMAC of a random nonce, bound to a cookie: the double-submit
 * pattern, so a page on another site cannot post a form in a visitor's name) and a per-address
 * token-bucket rate limit on the form endpoints.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export class Csrf {
  private readonly secret: Buffer;
  constructor(secret?: string) {
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  /** A new nonce (the cookie's value) and the token a form carries for it. */
  issue(): { nonce: string; token: string } {
    const nonce = randomBytes(18).toString("base64url");
    return { nonce, token: this.sign(nonce) };
  }

  tokenFor(nonce: string): string {
    return this.sign(nonce);
  }

  private sign(nonce: string): string {
    return createHmac("sha256", this.secret).update(nonce).digest("base64url");
  }

  valid(nonce: string | undefined, token: string | undefined): boolean {
    if (!nonce || !token) return false;
    const want = Buffer.from(this.sign(nonce));
    const got = Buffer.from(token);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly capacity: number,
    private readonly refillPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`; false when the bucket is empty (the caller answers 429). */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 60_000) * this.refillPerMinute);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    return true;
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

/** No script at all; forms post only to this site, whose checkout answer redirects to Stripe's origin. */
export function contentSecurityPolicy(checkoutOrigin: string): string {
  return `default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' ${checkoutOrigin}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`;
}
