// Exponential backoff with jitter for reconnect attempts, so a server restart is not met by every client at once.

/** Defaults: first retry after ~0.5 s, doubling up to 30 s, each delay randomised by ±20 %. */
export const DEFAULT_BACKOFF = Object.freeze({ initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.2 });

/** Delay before reconnect attempt number `attempt` (1 for the first retry). `random` returns a number in [0, 1). */
export function backoffDelay(attempt, options = DEFAULT_BACKOFF, random = Math.random) {
  const { initialDelayMs, maxDelayMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...options };
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  const base = Math.min(maxDelayMs, initialDelayMs * factor ** (attempt - 1));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(maxDelayMs, base + spread)));
}
