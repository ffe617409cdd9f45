/** Registry of the `retries` family. */
import type { Rule } from './types.js';
import linkerdRetryShadowed from './linkerd-retry-shadowed.js';
import retryAmplification from './retry-amplification.js';
import retryAttemptsExceedTimeout from './retry-attempts-exceed-timeout.js';
import retryFieldUnsupported from './retry-field-unsupported.js';
import retryNonIdempotent from './retry-non-idempotent.js';
import retryPertryTimeoutExceedsTimeout from './retry-pertry-timeout-exceeds-timeout.js';
import retryWithoutBudget from './retry-without-budget.js';
import retryWithoutOutlierDetection from './retry-without-outlier-detection.js';
import retryWithoutTimeout from './retry-without-timeout.js';
import timeoutInversion from './timeout-inversion.js';

export const RETRY_RULES: readonly Rule[] = [
  retryAmplification,
  retryWithoutBudget,
  retryNonIdempotent,
  retryPertryTimeoutExceedsTimeout,
  retryAttemptsExceedTimeout,
  timeoutInversion,
  retryWithoutTimeout,
  retryWithoutOutlierDetection,
  linkerdRetryShadowed,
  retryFieldUnsupported,
] as Rule[];
