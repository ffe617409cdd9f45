/**
 * GitHub's `primaryLocationLineHash`, computed the way github/codeql-action's upload step does (per its
 * fingerprints module): a rolling hash over the next 100 characters from each line start, spaces and tabs
 * skipped, CR and CRLF read as LF, base 37 with 64-bit wrap-around, a 65535 sentinel at the end of the text
 * followed by zero padding, and `<hex>:<n>` where n counts earlier lines with the same hash. Emitting the same
 * value means upload-sarif sees no inconsistency and alerts keep their identity when lines move.
 *
 * This runs over every file with a finding, so it is written for speed: the 64-bit arithmetic is done on
 * two 32-bit halves without allocating, occurrences are counted on the numbers in a typed-array table, and
 * hex strings are only made for the lines asked for.
 */
const WINDOW = 100;
const TWO32 = 4294967296;

/** 37^100 mod 2^64 as high and low 32-bit halves. */
const [POW_HI, POW_LO] = (() => {
  let hi = 0;
  let lo = 1;
  for (let i = 0; i < WINDOW; i++) {
    const l = lo * 37;
    hi = (Math.imul(hi, 37) + Math.floor(l / TWO32)) >>> 0;
    lo = l >>> 0;
  }
  return [hi, lo];
})();
const POW_LO0 = POW_LO & 0xffff;
const POW_LO1 = POW_LO >>> 16;

/**
 * Hashes of the given 1-based lines (all lines up to the highest one are hashed, because each value counts
 * the earlier lines with the same hash).
 */
export function lineHashesFor(text: string, wanted: ReadonlySet<number>): Map<number, string> {
  const out = new Map<number, string>();
  let maxWanted = 0;
  for (const l of wanted) if (l > maxWanted) maxWanted = l;
  if (maxWanted === 0) return out;
  // One loop with every piece of state in a local: the earlier version used small closures, and the state
  // they shared lived in a heap context that every character read and wrote (about 3x slower).
  const window = new Uint16Array(WINDOW);
  /** The line whose hash is complete when the window slot is overwritten next (-1: none). */
  const lineAt = new Int32Array(WINDOW).fill(-1);
  // Occurrences per hash in an open-addressing table on typed arrays (a Map of Maps made an inner Map per line,
  // as nearly every line has its own high half). At most maxWanted lines are hashed, so a capacity of twice that
  // keeps the table at most half full; a count of 0 marks an empty slot.
  let capacity = 16;
  while (capacity < maxWanted * 2) capacity *= 2;
  const mask = capacity - 1;
  const seenHi = new Uint32Array(capacity);
  const seenLo = new Uint32Array(capacity);
  const seenCount = new Int32Array(capacity);
  let hi = 0;
  let lo = 0;
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;
  const n = text.length;
  // characters of the text, then the 65535 sentinel, then WINDOW zeros (the padding that completes the last lines)
  for (let i = 0, end = n + 1 + WINDOW; i < end; i++) {
    let ch: number;
    if (i < n) {
      ch = text.charCodeAt(i);
      if (ch === 32 || ch === 9 || (afterCR && ch === 10)) {
        afterCR = false;
        continue;
      }
      afterCR = ch === 13;
      if (afterCR) ch = 10;
    } else ch = i === n ? 65535 : 0;
    const l = lineAt[slot]!;
    if (l !== -1) {
      // the window that started at line l's first character is complete: emit its hash
      lineAt[slot] = -1;
      const mixed = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
      let h = (mixed ^ (mixed >>> 15)) & mask;
      while (seenCount[h] !== 0 && (seenHi[h] !== hi || seenLo[h] !== lo)) h = (h + 1) & mask;
      if (seenCount[h] === 0) {
        seenHi[h] = hi;
        seenLo[h] = lo;
      }
      const count = ++seenCount[h]!;
      if (wanted.has(l)) out.set(l, `${hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0')}:${count}`);
      if (l >= maxWanted) break;
    }
    if (i <= n) {
      if (atLineStart) {
        atLineStart = false;
        lineAt[slot] = ++line;
      }
      if (ch === 10) atLineStart = true;
    }
    // hash = 37·hash + ch − 37^100·old  (mod 2^64) on two 32-bit halves, with 16-bit pieces where a product
    // could pass 2^32, so that everything stays in integer registers (no float division)
    const old = window[slot]!;
    window[slot] = ch;
    const m0 = (lo & 0xffff) * 37 + ch; // < 2^22
    const m1 = (lo >>> 16) * 37 + (m0 >>> 16); // < 2^22
    const mulLo = (((m1 & 0xffff) << 16) | (m0 & 0xffff)) >>> 0;
    const mulHi = Math.imul(hi, 37) + (m1 >>> 16);
    const s0 = POW_LO0 * old; // < 2^32
    const s1 = POW_LO1 * old + (s0 >>> 16); // < 2^32
    const subLo = (((s1 & 0xffff) << 16) | (s0 & 0xffff)) >>> 0;
    const subHi = Math.imul(POW_HI, old) + (s1 >>> 16);
    const diff = mulLo - subLo;
    lo = diff >>> 0;
    hi = (mulHi - subHi - (diff < 0 ? 1 : 0)) >>> 0;
    slot = slot === WINDOW - 1 ? 0 : slot + 1;
  }
  return out;
}

/** Hashes for every line (index = line number); for tests and small files. */
export function lineHashes(text: string): string[] {
  const all = new Set<number>();
  const lines = text.split(/\r\n|\r|\n/).length;
  for (let i = 1; i <= lines; i++) all.add(i);
  const m = lineHashesFor(text, all);
  const out: string[] = [];
  for (const [l, h] of m) out[l] = h;
  return out;
}
