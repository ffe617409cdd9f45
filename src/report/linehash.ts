/**
 * GitHub's `primaryLocationLineHash`, computed the way github/codeql-action's upload step does (per its
 * fingerprints module): a rolling hash over the next 100 characters from each line start, spaces and tabs
 * skipped, CR and CRLF read as LF, base 37 with 64-bit wrap-around, a 65535 sentinel at the end of the text
 * followed by zero padding, and `<hex>:<n>` where n counts earlier lines with the same hash. Emitting the same
 * value means upload-sarif sees no inconsistency and alerts keep their identity when lines move.
 */
const WINDOW = 100;
const BASE = 37n;
const MASK = (1n << 64n) - 1n;
const BASE_POW_WINDOW = BASE ** BigInt(WINDOW) & MASK;

/** Hashes for lines 1..upToLine (index = line number). */
export function lineHashes(text: string, upToLine = Number.POSITIVE_INFINITY): string[] {
  const window = new Array<number>(WINDOW).fill(0);
  const lineAt = new Array<number>(WINDOW).fill(-1);
  const occurrences = new Map<string, number>();
  const out: string[] = [];
  let hash = 0n;
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;
  let done = false;

  const emit = (): void => {
    const hex = hash.toString(16);
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
    hash = (BASE * hash + BigInt(ch) - BASE_POW_WINDOW * BigInt(old)) & MASK;
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
