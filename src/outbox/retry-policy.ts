// Delivery errors a sender can raise to steer the retry policy.
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}
export class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
  }
}

export const MAX_ATTEMPTS = 8;

// 10 s, 20 s, 40 s … capped at one hour; a platform's Retry-After wins when it is longer.
export function nextDelayMs(attempts: number, err: unknown): number {
  const backoff = Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return err instanceof RetryLaterError ? Math.max(err.retryAfterMs, 1000) : backoff;
}

export function isPermanent(err: unknown): boolean {
  return !!(err as { permanent?: boolean })?.permanent;
}
