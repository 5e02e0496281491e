import { describe, expect, it } from "vitest";
import { isSecretKey, redactArgv, redactSecrets, REDACTED, SecretMasker } from "../../src/log/redact.js";

describe("isSecretKey", () => {
  it.each(["api_key", "apiKey", "API-KEY", "ALPACA_SECRET_KEY", "secret", "client_secret", "password", "db.passwd", "token", "access_token", "authorization", "private_key", "credentials", "aws_access_key", "auth", "cookie"])(
    "%s is secret",
    (k) => expect(isSecretKey(k)).toBe(true),
  );
  it.each(["symbol", "max_tokens", "tokenizer", "key", "keys", "seed", "author", "secretary_count", "target", ""])("%s is not secret", (k) =>
    expect(isSecretKey(k)).toBe(false),
  );
});

describe("redactSecrets", () => {
  it("redacts at any depth, inside arrays, and whole sub-objects under a secret key", () => {
    const input = { a: { b: { c: { d: { token: "t0k3n-xyz" } } } }, list: [{ password: "pw-123456" }, 3], credentials: { id: "x", key: "y" }, keep: "ok" };
    expect(redactSecrets(input)).toEqual({
      a: { b: { c: { d: { token: REDACTED } } } },
      list: [{ password: REDACTED }, 3],
      credentials: REDACTED,
      keep: "ok",
    });
  });

  it("never mutates the input and shares untouched branches", () => {
    const clean = { deep: { x: 1 } };
    const input = { clean, dirty: { api_key: "abcd-1234" } };
    const out = redactSecrets(input);
    expect(input.dirty.api_key).toBe("abcd-1234");
    expect(out.clean).toBe(clean);
    expect(redactSecrets(clean)).toBe(clean);
  });

  it("leaves null secrets, class instances and cycles alone", () => {
    const cyclic: Record<string, unknown> = { password: null };
    cyclic.self = cyclic;
    const out = redactSecrets(cyclic);
    expect(out.password).toBeNull();
    const err = new Error("x");
    expect(redactSecrets({ err }).err).toBe(err);
  });

  it("feeds redacted values to a masker", () => {
    const m = new SecretMasker();
    redactSecrets({ cfg: { secret: "s3cr3t-value", nested: { pin: 98765 } } }, m);
    expect(m.mask("got s3cr3t-value")).toBe(`got ${REDACTED}`);
    expect(m.mask("pin 98765")).toBe(`pin ${REDACTED}`);
  });
});

describe("SecretMasker", () => {
  it("masks remembered values, longest first, and their JSON-escaped forms", () => {
    const m = new SecretMasker();
    m.add("abcd");
    m.add("abcdefgh");
    m.add('q"uote');
    expect(m.mask("x abcdefgh y abcd")).toBe(`x ${REDACTED} y ${REDACTED}`);
    expect(m.mask(JSON.stringify({ v: 'q"uote' }))).toBe(`{"v":"${REDACTED}"}`);
  });

  it("ignores values too short to mask without wrecking the text", () => {
    const m = new SecretMasker();
    m.add("ab");
    m.add("");
    m.add(undefined);
    expect(m.size).toBe(0);
    expect(m.mask("about")).toBe("about");
  });

  it("collects every value under secret keys of a config", () => {
    const m = new SecretMasker();
    m.addFrom({ trading: { alpaca: { api_key: "AKxxxx1", secret_key: "SKyyyy2" } }, seed: 42424242, list: [{ token: ["tok-a1", "tok-b2"] }] });
    expect(m.mask("AKxxxx1 SKyyyy2 tok-a1 tok-b2 42424242")).toBe(`${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} 42424242`);
  });

  it("masks inside JSON string literals only, so JSON stays valid", () => {
    const m = new SecretMasker();
    m.add(1234567); // a numeric PIN
    m.add("n123secret"); // starts with a letter that also ends an escape sequence
    const text = JSON.stringify({ seed: 1234567, note: "pin 1234567", a: "\n123secret", b: "x n123secret y", c: "back\\slash" });
    const masked = m.maskJson(text);
    const parsed = JSON.parse(masked);
    expect(parsed).toEqual({ seed: 1234567, note: `pin ${REDACTED}`, a: "\n123secret", b: `x ${REDACTED} y`, c: "back\\slash" });
    expect(() => JSON.parse(m.mask(text))).toThrow(); // what plain-text masking would have done
    expect(m.maskJson('{"v":1}')).toBe('{"v":1}');
  });

  it("masks passwords in URLs without knowing them", () => {
    expect(new SecretMasker().mask("redis://user:hunter2@host:6379/0 and https://example.com/a:b@c")).toBe(
      `redis://user:${REDACTED}@host:6379/0 and https://example.com/a:b@c`,
    );
  });
});

describe("redactArgv", () => {
  it("masks --set assignments to secret keys, secret flags and env-style arguments", () => {
    const m = new SecretMasker();
    const argv = ["run", "--set", "trading.alpaca.api_key=AK123456", "--set=trading.alpaca.secret=SK654321", "--token", "tok-999999", "--password=pw-000000", "ALPACA_SECRET_KEY=zzzz9999", "--set", "pipeline.seed=7", "--data", "d.csv"];
    expect(redactArgv(argv, m)).toEqual([
      "run",
      "--set",
      `trading.alpaca.api_key=${REDACTED}`,
      `--set=trading.alpaca.secret=${REDACTED}`,
      "--token",
      REDACTED,
      `--password=${REDACTED}`,
      `ALPACA_SECRET_KEY=${REDACTED}`,
      "--set",
      "pipeline.seed=7",
      "--data",
      "d.csv",
    ]);
    expect(m.mask("AK123456 SK654321 tok-999999 pw-000000 zzzz9999")).not.toMatch(/[0-9]{6}/);
  });

  it("masks a secret value repeated elsewhere on the line once it was seen under a secret key", () => {
    const out = redactArgv(["--api-key", "dup-secret-1", "--note", "dup-secret-1"], new SecretMasker());
    expect(out).toEqual(["--api-key", REDACTED, "--note", REDACTED]);
  });
});
