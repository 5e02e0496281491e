/**
 * Maps symbol values to small integer codes while reading. Keyed by the raw bytes first, so a
 * long file with millions of rows and a few thousand symbols builds no string per row.
 */
export class SymbolInterner {
  readonly dict: string[] = [];
  private readonly byText = new Map<string, number>();
  private slots = new Int32Array(1024).fill(-1);
  private keys: Uint8Array[] = [];
  private hashes: number[] = [];
  private keyCode: number[] = [];

  /** Code of the symbol in bytes [start, end) (already trimmed, non-empty). */
  codeOfBytes(b: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    const len = end - start;
    for (;;) {
      const k = this.slots[slot];
      if (k < 0) break;
      if (this.hashes[k] === h) {
        const key = this.keys[k];
        if (key.length === len) {
          let same = true;
          for (let i = 0; i < len; i++) {
            if (key[i] !== b[start + i]) {
              same = false;
              break;
            }
          }
          if (same) return this.keyCode[k];
        }
      }
      slot = (slot + 1) & mask;
    }
    const text = Buffer.from(b.buffer, b.byteOffset + start, len).toString("utf8");
    const code = this.codeOfText(text);
    // A copy: `b` is a read buffer that is refilled (Buffer#slice would only be a view).
    this.insertKey(Uint8Array.prototype.slice.call(b, start, end), h, code);
    return code;
  }


  private insertKey(key: Uint8Array, h: number, code: number): void {
    const k = this.keys.length;
    this.keys.push(key);
    this.hashes.push(h);
    this.keyCode.push(code);
    if (this.keys.length * 2 > this.slots.length) this.rehash();
    else this.place(k);
  }

  private place(k: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[k] & mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
    this.slots[slot] = k;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let k = 0; k < this.keys.length; k++) this.place(k);
  }

  /** Code of a symbol given as text (quoted CSV field, Parquet value). */
  codeOfText(text: string): number {
    let code = this.byText.get(text);
    if (code === undefined) {
      code = this.dict.length;
      this.dict.push(text);
      this.byText.set(text, code);
    }
    return code;
  }
}
