/**
 * Stripe webhook events, verified (signature and age, by the SDK's constructEvent) and applied once
 * per event id. Out of order: subscription states carry the event's creation time and an older one
 * never overwrites a newer. Handled: checkout.session.completed (purchase, licence),
 * customer.subscription.updated / deleted, invoice.payment_failed (the subscription is downgraded
 * to past_due until Stripe says otherwise).
 */
import type Stripe from "stripe";
import type { Tier } from "../config.js";
import { issueLicence } from "./licences.js";
import type { SiteStore } from "./store.js";

export interface WebhookContext {
  stripe: Stripe;
  store: SiteStore;
  secret: string;
  licensePrivateKey: string;
  tiers: Tier[];
  now: () => Date;
  /** Signature age accepted, seconds (Stripe's default 300). */
  tolerance?: number;
}

export type WebhookResult = { status: 200; body: { received: true; duplicate: boolean } } | { status: 400; body: { error: string } };

export function handleWebhook(ctx: WebhookContext, rawBody: Buffer, signature: string | undefined): WebhookResult {
  if (!signature) return { status: 400, body: { error: "missing Stripe-Signature header" } };
  let event: Stripe.Event;
  try {
    event = ctx.stripe.webhooks.constructEvent(rawBody, signature, ctx.secret, ctx.tolerance ?? 300);
  } catch {
    // Never echo the reason in detail: it would help forging.
    return { status: 400, body: { error: "signature verification failed" } };
  }
  const applied = ctx.store.onceForEvent(event.id, event.type, event.created, () => apply(ctx, event));
  return { status: 200, body: { received: true, duplicate: !applied } };
}

function apply(ctx: WebhookContext, event: Stripe.Event): void {
  switch (event.type) {
    case "checkout.session.completed": {
      const s = event.data.object as Stripe.Checkout.Session;
      const tierId = s.metadata?.tier ?? "";
      const tier = ctx.tiers.find((t) => t.id === tierId);
      const email = s.customer_details?.email ?? s.customer_email ?? "";
      const customer = typeof s.customer === "string" ? s.customer : (s.customer?.id ?? null);
      const subscription = typeof s.subscription === "string" ? s.subscription : (s.subscription?.id ?? null);
      if (!tier || !email) {
        ctx.store.audit("stripe", "purchase.unusable", s.id, { tier: tierId, has_email: Boolean(email) });
        return;
      }
      ctx.store.completePurchase(s.id, tier.id, email, customer, subscription);
      if (subscription && customer) ctx.store.upsertSubscription({ id: subscription, customer, status: "active", tier: tier.id, updated: event.created });
      if (s.payment_status === "paid" || s.payment_status === "no_payment_required") issueLicence(ctx.store, ctx.licensePrivateKey, { sessionId: s.id, tier: tier.id, email, features: tier.features, now: ctx.now() });
      return;
    }
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const sub = event.data.object as Stripe.Subscription;
      const customer = typeof sub.customer === "string" ? sub.customer : sub.customer.id;
      const status = event.type === "customer.subscription.deleted" ? "canceled" : sub.status;
      ctx.store.upsertSubscription({ id: sub.id, customer, status, tier: sub.metadata?.tier ?? null, updated: event.created });
      return;
    }
    case "invoice.payment_failed": {
      const inv = event.data.object as Stripe.Invoice & { subscription?: string | { id: string } | null };
      const subId = typeof inv.subscription === "string" ? inv.subscription : (inv.subscription?.id ?? inv.parent?.subscription_details?.subscription ?? null);
      const customer = typeof inv.customer === "string" ? inv.customer : (inv.customer?.id ?? "");
      const id = typeof subId === "string" ? subId : subId?.id;
      if (id) ctx.store.upsertSubscription({ id, customer, status: "past_due", tier: null, updated: event.created });
      ctx.store.audit("stripe", "invoice.payment_failed", inv.id ?? "", { subscription: id ?? null });
      return;
    }
    default:
      ctx.store.audit("stripe", "event.ignored", event.id, { type: event.type });
  }
}
