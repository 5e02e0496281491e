/**
 * Keeps secrets (broker API keys, passwords, tokens) out of everything a run writes: logs.jsonl,
 * the console, manifest.json and summary.json. Two layers, because either alone leaks:
 *
 * - By key: any value stored under a secret-looking key (`api_key`, `apiKey`, `ALPACA_SECRET_KEY`,
 *   `password`, `token`, `authorization`, ...) at any depth is replaced by "[Redacted]".
 *   pino's own `redact` option only matches fixed paths (`*.api_key` is exactly one level deep and
 *   case-sensitive), so a key nested three levels down in a config would slip through; this walk
 *   has no depth or spelling gap.
 * - By value: every secret seen under such a key (or given to `SecretMasker.add`) is remembered and
 *   masked wherever it shows up later, e.g. interpolated into a message or an error text. Passwords
 *   in URLs (`redis://user:pw@host`) are masked too.
 */

export const REDACTED = "[Redacted]";

// Compared after lowercasing and dropping `_`, `-`, `.`: `api_key`, `apiKey` and `API-KEY` are one key.
const SECRET_SUFFIXES = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "secretkey",
  "signingkey",
  "token",
  "apikey",
  "accesskey",
  "privatekey",
  "authorization",
  "credential",
  "credentials",
  "cookie",
];
const SECRET_EXACT = new Set(["auth", "pwd", "pin"]);

/** True for keys whose values are secrets, whatever their case or separator style. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (k.length === 0) return false;
  return SECRET_EXACT.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/**
 * A copy of `value` with every value under a secret key replaced by "[Redacted]", at any depth.
 * Unchanged branches are shared, not copied, and the input is never mutated. Class instances other
 * than plain objects and arrays (Errors, Dates, typed arrays) are passed through as they are.
 * Redacted values are added to `masker`, so they are also masked if they later appear in text.
 */
export function redactSecrets<T>(value: T, masker?: SecretMasker): T {
  return scrub(value, new Set(), masker) as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function scrub(value: unknown, ancestors: Set<object>, masker: SecretMasker | undefined): unknown {
  if (Array.isArray(value)) {
    if (ancestors.has(value)) return value;
    ancestors.add(value);
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === null || typeof item !== "object") continue;
      const next = scrub(item, ancestors, masker);
      if (next !== item) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    ancestors.delete(value);
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  if (ancestors.has(value)) return value;
  ancestors.add(value);
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    let next = item;
    if (isSecretKey(key)) {
      if (item !== null && item !== undefined && item !== REDACTED) {
        next = REDACTED;
        if (masker !== undefined) collectAll(item, masker);
      }
    } else if (item !== null && typeof item === "object") {
      next = scrub(item, ancestors, masker);
    }
    if (next !== item) {
      out ??= { ...value };
      out[key] = next;
    }
  }
  ancestors.delete(value);
  return out ?? value;
}

// Secrets shorter than this are not masked by value: masking "ab" everywhere would wreck every log
// line while protecting nothing (key-based redaction still hides them where they are stored).
const MIN_MASKED_LENGTH = 4;
const JSON_STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;

/** Remembers secret values and masks them in any text about to be written. */
export class SecretMasker {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  /** Remembers one secret value (numbers are remembered as their text). */
  add(secret: unknown): void {
    if (typeof secret !== "string" && typeof secret !== "number") return;
    const text = String(secret);
    if (text.length < MIN_MASKED_LENGTH || text === REDACTED || this.secrets.has(text)) return;
    this.secrets.add(text);
    // JSON lines hold the escaped form of a secret containing quotes or backslashes: mask both.
    const escaped = JSON.stringify(text).slice(1, -1);
    if (escaped !== text) this.secrets.add(escaped);
    // Longest first, so a secret containing another is masked whole.
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /** Remembers every value found under a secret key inside `value` (e.g. a resolved config). */
  addFrom(value: unknown): void {
    collectSecrets(value, this, new Set());
  }

  get size(): number {
    return this.secrets.size;
  }

  /** Masks secrets in plain text (console lines, messages). */
  mask(text: string): string {
    let out = text;
    for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
    if (out.includes("://")) out = out.replace(URL_PASSWORD, `$1${REDACTED}$3`);
    return out;
  }

  /**
   * Masks secrets inside the string literals of a JSON text, leaving it valid JSON: a numeric
   * secret never turns `"seed": 1234` into broken JSON, and a match never splits an escape
   * sequence (each affected literal is decoded, masked and encoded again).
   */
  maskJson(text: string): string {
    if (!text.includes("://") && !this.ordered.some((s) => text.includes(s))) return text;
    return text.replace(JSON_STRING_LITERAL, (literal) => {
      let decoded: string;
      try {
        decoded = JSON.parse(literal) as string;
      } catch {
        return literal;
      }
      const masked = this.mask(decoded);
      return masked === decoded ? literal : JSON.stringify(masked);
    });
  }
}

function collectSecrets(value: unknown, masker: SecretMasker, ancestors: Set<object>): void {
  if (value === null || typeof value !== "object" || ancestors.has(value)) return;
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, masker, ancestors);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKey(key)) collectAll(item, masker);
      else collectSecrets(item, masker, ancestors);
    }
  }
  ancestors.delete(value);
}

/** Everything under a secret key is secret, including nested values (`credentials: {id, key}`). */
function collectAll(value: unknown, masker: SecretMasker, depth = 0): void {
  if (depth > 16) return;
  if (typeof value === "string" || typeof value === "number") masker.add(value);
  else if (Array.isArray(value)) for (const v of value) collectAll(v, masker, depth + 1);
  else if (isPlainObject(value)) for (const v of Object.values(value)) collectAll(v, masker, depth + 1);
}

/**
 * A copy of a command line with secret values masked: `--set broker.api_key=XYZ`, `--token XYZ`,
 * `--password=XYZ`, `ALPACA_SECRET=XYZ` and URL passwords. Masked values are added to `masker`
 * (when given) so they are also hidden if they appear elsewhere.
 */
export function redactArgv(argv: readonly string[], masker?: SecretMasker): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = /^--?([A-Za-z0-9][\w.-]*)(?:=(.*))?$/s.exec(arg);
    if (flag && isSecretKey(flag[1])) {
      if (flag[2] !== undefined) {
        masker?.add(flag[2]);
        out.push(`${arg.slice(0, arg.length - flag[2].length)}${REDACTED}`);
      } else {
        out.push(arg);
        if (i + 1 < argv.length) {
          masker?.add(argv[i + 1]);
          out.push(REDACTED);
          i++;
        }
      }
      continue;
    }
    out.push(redactAssignment(arg, masker));
  }
  return masker ? out.map((a) => masker.mask(a)) : out;
}

/** `a.b.api_key=XYZ` (the value of `--set`, or an env-style argument) -> `a.b.api_key=[Redacted]`. */
function redactAssignment(arg: string, masker?: SecretMasker): string {
  const m = /^(--?[\w-]+=)?([\w.\-[\]]+)=(.*)$/s.exec(arg);
  if (!m) return arg;
  const lastSegment = m[2].split(/[.[\]]/).filter(Boolean).pop() ?? "";
  if (!isSecretKey(lastSegment)) return arg;
  masker?.add(m[3]);
  return `${m[1] ?? ""}${m[2]}=${REDACTED}`;
}
