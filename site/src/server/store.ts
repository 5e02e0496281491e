/**
 * The site's records in SQLite (better-sqlite3, WAL): access requests, purchases, subscriptions,
 * issued licences, the Stripe events already processed (by event id: a webhook delivered twice
 * changes nothing twice), and an audit trail of every change.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface AccessRequest {
  name: string;
  email: string;
  company: string;
  tier: string;
  message: string;
}

export interface SubscriptionRow {
  id: string;
  customer: string;
  status: string;
  tier: string | null;
  updated: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_requests (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, company TEXT NOT NULL, tier TEXT NOT NULL, message TEXT NOT NULL, ip TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stripe_events (id TEXT PRIMARY KEY, type TEXT NOT NULL, created INTEGER NOT NULL, processed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS purchases (session_id TEXT PRIMARY KEY, tier TEXT NOT NULL, email TEXT NOT NULL, customer TEXT, subscription TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, customer TEXT NOT NULL, status TEXT NOT NULL, tier TEXT, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS licences (id TEXT PRIMARY KEY, session_id TEXT NOT NULL UNIQUE, tier TEXT NOT NULL, email TEXT NOT NULL, key TEXT NOT NULL, issued_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);
`;

export class SiteStore {
  readonly db: Database.Database;
  constructor(path: string, private readonly now: () => Date = () => new Date()) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  audit(actor: string, action: string, subject: string, detail: Record<string, unknown> = {}): void {
    this.db.prepare("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)").run(this.iso(), actor, action, subject, JSON.stringify(detail));
  }

  addAccessRequest(r: AccessRequest, ip: string): number {
    return this.db.transaction(() => {
      const id = Number(this.db.prepare("INSERT INTO access_requests (created_at, name, email, company, tier, message, ip) VALUES (?, ?, ?, ?, ?, ?, ?)").run(this.iso(), r.name, r.email, r.company, r.tier, r.message, ip).lastInsertRowid);
      this.audit("visitor", "access_request.created", String(id), { tier: r.tier });
      return id;
    })();
  }

  accessRequests(): (AccessRequest & { id: number })[] {
    return this.db.prepare("SELECT id, name, email, company, tier, message FROM access_requests ORDER BY id").all() as (AccessRequest & { id: number })[];
  }

  /** Runs `apply` once per Stripe event id, atomically with recording the id; false if already processed. */
  onceForEvent(id: string, type: string, created: number, apply: () => void): boolean {
    return this.db.transaction(() => {
      const seen = this.db.prepare("SELECT 1 FROM stripe_events WHERE id = ?").get(id);
      if (seen) return false;
      apply();
      this.db.prepare("INSERT INTO stripe_events (id, type, created, processed_at) VALUES (?, ?, ?, ?)").run(id, type, created, this.iso());
      return true;
    })();
  }

  recordCheckout(sessionId: string, tier: string, email: string): void {
    this.db.prepare("INSERT OR IGNORE INTO purchases (session_id, tier, email, status, created_at) VALUES (?, ?, ?, 'open', ?)").run(sessionId, tier, email, this.iso());
    this.audit("visitor", "checkout.created", sessionId, { tier });
  }

  completePurchase(sessionId: string, tier: string, email: string, customer: string | null, subscription: string | null): void {
    this.db
      .prepare("INSERT INTO purchases (session_id, tier, email, customer, subscription, status, created_at) VALUES (?, ?, ?, ?, ?, 'complete', ?) ON CONFLICT(session_id) DO UPDATE SET status = 'complete', customer = excluded.customer, subscription = excluded.subscription")
      .run(sessionId, tier, email, customer, subscription, this.iso());
    this.audit("stripe", "purchase.completed", sessionId, { tier, customer, subscription });
  }

  purchase(sessionId: string): { session_id: string; tier: string; email: string; status: string; subscription: string | null } | undefined {
    return this.db.prepare("SELECT session_id, tier, email, status, subscription FROM purchases WHERE session_id = ?").get(sessionId) as never;
  }

  licenceForSession(sessionId: string): { id: string; key: string; tier: string; email: string; revoked_at: string | null } | undefined {
    return this.db.prepare("SELECT id, key, tier, email, revoked_at FROM licences WHERE session_id = ?").get(sessionId) as never;
  }

  licences(): { id: string; session_id: string; tier: string; revoked_at: string | null }[] {
    return this.db.prepare("SELECT id, session_id, tier, revoked_at FROM licences ORDER BY issued_at, id").all() as never;
  }

  addLicence(id: string, sessionId: string, tier: string, email: string, key: string): void {
    this.db.prepare("INSERT INTO licences (id, session_id, tier, email, key, issued_at) VALUES (?, ?, ?, ?, ?, ?)").run(id, sessionId, tier, email, key, this.iso());
    this.audit("stripe", "licence.issued", id, { session: sessionId, tier });
  }

  /**
   * A subscription's state from an event created at `created` (seconds): applied only if newer
   * than what is stored, so an out-of-order delivery of an older event changes nothing.
   */
  upsertSubscription(s: SubscriptionRow): boolean {
    const cur = this.subscription(s.id);
    if (cur && cur.updated > s.updated) {
      this.audit("stripe", "subscription.stale_event_ignored", s.id, { status: s.status, event_created: s.updated, stored: cur.updated });
      return false;
    }
    this.db.prepare("INSERT INTO subscriptions (id, customer, status, tier, updated) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status, tier = COALESCE(excluded.tier, subscriptions.tier), customer = excluded.customer, updated = excluded.updated").run(s.id, s.customer, s.status, s.tier, s.updated);
    this.audit("stripe", "subscription.updated", s.id, { status: s.status });
    return true;
  }

  subscription(id: string): SubscriptionRow | undefined {
    return this.db.prepare("SELECT id, customer, status, tier, updated FROM subscriptions WHERE id = ?").get(id) as SubscriptionRow | undefined;
  }

  auditTrail(): { action: string; subject: string }[] {
    return this.db.prepare("SELECT action, subject FROM audit ORDER BY id").all() as never;
  }

  close(): void {
    this.db.close();
  }
}
