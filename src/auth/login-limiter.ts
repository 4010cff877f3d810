import { RateLimitedError } from '../errors';

// Counts failed sign-ins per address and per client; after `max` failures within the window
// further attempts are refused until the window passes. Kept per node: a cluster multiplies
// the allowance by its node count, which still stops online guessing.
export class LoginLimiter {
  private failures = new Map<string, number[]>();
  constructor(private max = 10, private windowMs = 15 * 60_000, private now: () => number = Date.now) {}

  check(keys: string[]): void {
    const now = this.now();
    for (const k of keys) {
      const recent = (this.failures.get(k) ?? []).filter((t) => t > now - this.windowMs);
      this.failures.set(k, recent);
      if (recent.length >= this.max) throw new RateLimitedError(Math.ceil((recent[0] + this.windowMs - now) / 1000));
    }
  }

  fail(keys: string[]): void {
    for (const k of keys) this.failures.set(k, [...(this.failures.get(k) ?? []), this.now()]);
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
