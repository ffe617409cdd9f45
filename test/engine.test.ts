import { describe, expect, it } from 'vitest';
import { withoutCitations } from '../src/engine.js';

describe('messages carry no specification citation keys', () => {
  it('drops [I-CTP]-style keys, with or without a note after the key, and keeps other brackets', () => {
    expect(withoutCitations('the circuit breaker is at 2^32-1 [I-CTP]; callers: web')).toBe('the circuit breaker is at 2^32-1; callers: web');
    expect(withoutCitations('off unless set [I-CTP applyOutlierDetection].')).toBe('off unless set.');
    expect(withoutCitations('limits 1024 [KU-DEF-CB] and [L-DOC-RETRY; L-HTTPRS] x')).toBe('limits 1024 and x');
    expect(withoutCitations('ports [80, 443] and items[0] and [Deployment a](1)')).toBe('ports [80, 443] and items[0] and [Deployment a](1)');
  });
});
