/**
 * GitHub's `primaryLocationLineHash`, computed the way github/codeql-action's upload step does (per its
 * fingerprints module): a rolling hash over the next 100 characters from each line start, spaces and tabs
 * skipped, CR and CRLF read as LF, base 37 with 64-bit wrap-around, a 65535 sentinel at the end of the text
 * followed by zero padding, and `<hex>:<n>` where n counts earlier lines with the same hash. Emitting the same
 * value means upload-sarif sees no inconsistency and alerts keep their identity when lines move.
 *
 * The 64-bit arithmetic is done on two 32-bit halves: BigInt made this the hottest function of a run.
 */
const WINDOW = 100;
const TWO32 = 4294967296;

/** 37^100 mod 2^64 as [high, low] 32-bit halves. */
const POW = (() => {
  let hi = 0;
  let lo = 1;
  for (let i = 0; i < WINDOW; i++) [hi, lo] = mulSmall(hi, lo, 37);
  return [hi, lo] as const;
})();

/** (hi:lo × m) mod 2^64 for m < 2^21. */
function mulSmall(hi: number, lo: number, m: number): [number, number] {
  const l = lo * m; // < 2^53
  const carry = Math.floor(l / TWO32);
  return [(Math.imul(hi, m) + carry) >>> 0, l >>> 0];
}

/** Hashes for lines 1..upToLine (index = line number). */
export function lineHashes(text: string, upToLine = Number.POSITIVE_INFINITY): string[] {
  const window = new Array<number>(WINDOW).fill(0);
  const lineAt = new Array<number>(WINDOW).fill(-1);
  const occurrences = new Map<string, number>();
  const out: string[] = [];
  let hi = 0;
  let lo = 0;
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;
  let done = false;

  const emit = (): void => {
    const hex = hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
    const n = (occurrences.get(hex) ?? 0) + 1;
    occurrences.set(hex, n);
    const l = lineAt[slot]!;
    out[l] = `${hex}:${n}`;
    lineAt[slot] = -1;
    if (l >= upToLine) done = true;
  };
  const shiftIn = (ch: number): void => {
    const old = window[slot]!;
    window[slot] = ch;
    // hash = 37·hash + ch − 37^100·old  (mod 2^64)
    let [h, l] = mulSmall(hi, lo, 37);
    l += ch;
    if (l >= TWO32) {
      l -= TWO32;
      h = (h + 1) >>> 0;
    }
    const [sh, sl] = mulSmall(POW[0], POW[1], old);
    l -= sl;
    if (l < 0) {
      l += TWO32;
      h = (h - 1) >>> 0;
    }
    hi = (h - sh) >>> 0;
    lo = l >>> 0;
    slot = (slot + 1) % WINDOW;
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
    for (let i = 0; i < WINDOW; i++) {
      if (lineAt[slot] !== -1) emit();
      shiftIn(0);
    }
  }
  return out;
}
