// Sliding-window counter per key (client IP + form). Kept per node, like the sign-in limiter.
export class IpRateLimiter {
  private hits = new Map<string, number[]>();
  constructor(private now: () => number, private windowMs = 3_600_000) {}

  // Counts the attempt; answers the seconds to wait when `max` is already used up.
  take(key: string, max: number): number | null {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= max) {
      this.hits.set(key, recent);
      return Math.ceil((recent[0] + this.windowMs - now) / 1000);
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 50_000) this.hits.delete(this.hits.keys().next().value!);
    return null;
  }
}
