/**
 * GitHub's `primaryLocationLineHash`, computed the way github/codeql-action's upload step does (per its
 * fingerprints module): a rolling hash over the next 100 characters from each line start, spaces and tabs
 * skipped, CR and CRLF read as LF, base 37 with 64-bit wrap-around, a 65535 sentinel at the end of the text
 * followed by zero padding, and `<hex>:<n>` where n counts earlier lines with the same hash. Emitting the same
 * value means upload-sarif sees no inconsistency and alerts keep their identity when lines move.
 *
 * This runs over every file with a finding, so it is written for speed: the 64-bit arithmetic is done on
 * two 32-bit halves without allocating, occurrences are counted on the numbers, and hex strings are only
 * made for the lines asked for.
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

/**
 * Hashes of the given 1-based lines (all lines up to the highest one are hashed, because each value counts
 * the earlier lines with the same hash).
 */
export function lineHashesFor(text: string, wanted: ReadonlySet<number>): Map<number, string> {
  const out = new Map<number, string>();
  let maxWanted = 0;
  for (const l of wanted) if (l > maxWanted) maxWanted = l;
  if (maxWanted === 0) return out;
  const window = new Uint16Array(WINDOW);
  const lineAt = new Int32Array(WINDOW).fill(-1);
  const occurrences = new Map<number, Map<number, number>>();
  let hi = 0;
  let lo = 0;
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;
  let done = false;

  const emit = (): void => {
    const l = lineAt[slot]!;
    lineAt[slot] = -1;
    let byLo = occurrences.get(hi);
    if (!byLo) occurrences.set(hi, (byLo = new Map()));
    const n = (byLo.get(lo) ?? 0) + 1;
    byLo.set(lo, n);
    if (wanted.has(l)) out.set(l, `${hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0')}:${n}`);
    if (l >= maxWanted) done = true;
  };
  const shiftIn = (ch: number): void => {
    const old = window[slot]!;
    window[slot] = ch;
    // hash = 37·hash + ch − 37^100·old  (mod 2^64), on 32-bit halves
    const mulLo = lo * 37 + ch; // < 2^38
    let newHi = Math.imul(hi, 37) + Math.floor(mulLo / TWO32);
    let newLo = mulLo % TWO32;
    const subLo = POW_LO * old; // < 2^48
    newHi -= Math.imul(POW_HI, old) + Math.floor(subLo / TWO32);
    newLo -= subLo % TWO32;
    if (newLo < 0) {
      newLo += TWO32;
      newHi -= 1;
    }
    hi = newHi >>> 0;
    lo = newLo >>> 0;
    slot = slot === WINDOW - 1 ? 0 : slot + 1;
  };
  const feed = (code: number): void => {
    let ch = code;
    if (ch === 32 || ch === 9 || (afterCR && ch === 10)) {
      afterCR = false;
      return;
    }
    afterCR = ch === 13;
    if (afterCR) ch = 10;
    if (lineAt[slot] !== -1) emit();
    if (atLineStart) {
      atLineStart = false;
      lineAt[slot] = ++line;
    }
    if (ch === 10) atLineStart = true;
    shiftIn(ch);
  };
  for (let i = 0; i < text.length && !done; i++) feed(text.charCodeAt(i));
  if (!done) {
    feed(65535);
    for (let i = 0; i < WINDOW && !done; i++) {
      if (lineAt[slot] !== -1) emit();
      shiftIn(0);
    }
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
