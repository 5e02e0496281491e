/**
 * Bit-exact JSON for job results: plain objects and arrays as usual, typed arrays as base64 of
 * their bytes, and the numbers JSON cannot hold (NaN, ±Infinity, -0) as tagged strings. A resumed
 * run reads back exactly the numbers the interrupted one computed, so its later stages give the
 * same results as an uninterrupted run.
 */

const TYPED = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
} as const;
type TypedTag = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedTag]>;

function tagOf(v: ArrayBufferView): TypedTag | undefined {
  for (const [tag, ctor] of Object.entries(TYPED) as Array<[TypedTag, (typeof TYPED)[TypedTag]]>) if (v instanceof ctor) return tag;
  return undefined;
}

function encodeNumber(x: number): unknown {
  if (Number.isNaN(x)) return { $num: "NaN" };
  if (x === Infinity) return { $num: "Infinity" };
  if (x === -Infinity) return { $num: "-Infinity" };
  if (x === 0 && 1 / x < 0) return { $num: "-0" };
  return x;
}

/** A JSON-ready copy of `value`; throws on what it cannot keep exactly (Maps, class instances, functions). */
export function encodeValue(value: unknown, path = "$"): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (value === undefined) return { $undef: true };
  if (typeof value === "number") return encodeNumber(value);
  if (ArrayBuffer.isView(value)) {
    const tag = tagOf(value);
    if (tag === undefined) throw new TypeError(`job result at ${path}: unsupported typed array ${value.constructor.name}`);
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $typed: tag, b64: bytes.toString("base64") };
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeValue(v, `${path}[${i}]`));
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`job result at ${path}: ${(value as object).constructor?.name ?? "object"} is not plain data`);
    const out: Record<string, unknown> = {};
    // Keys starting with "$" (a data column may be called "$flow") are escaped by doubling the "$",
    // so they never read as the codec's tags.
    for (const [k, v] of Object.entries(value)) define(out, k.startsWith("$") ? `$${k}` : k, encodeValue(v, `${path}.${k}`));
    return out;
  }
  throw new TypeError(`job result at ${path}: a ${typeof value} is not plain data`);
}

export function decodeValue(json: unknown): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) return json.map(decodeValue);
  const o = json as Record<string, unknown>;
  if (typeof o.$num === "string") return o.$num === "-0" ? -0 : Number(o.$num);
  if (o.$undef === true) return undefined;
  if (typeof o.$typed === "string" && typeof o.b64 === "string") {
    const ctor = TYPED[o.$typed as TypedTag];
    if (ctor === undefined) throw new TypeError(`unknown typed array tag "${o.$typed}"`);
    const bytes = Buffer.from(o.b64, "base64");
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return new ctor(copy.buffer, 0, bytes.length / ctor.BYTES_PER_ELEMENT) as AnyTyped;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) define(out, k.startsWith("$$") ? k.slice(1) : k, decodeValue(v));
  return out;
}

/** Sets an own property whatever its name ("__proto__" included, which plain assignment would not keep). */
function define(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

export function encodeJson(value: unknown): string {
  return JSON.stringify(encodeValue(value));
}

export function decodeJson(text: string): unknown {
  return decodeValue(JSON.parse(text));
}
