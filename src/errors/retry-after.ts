/**
 * Reads a `Retry-After` header: delay-seconds (`"2"`) or an HTTP date, as RFC 9110 allows.
 * Returns the wait in ms from `nowMs` (0 for a date already past), or `undefined` when the header
 * is absent or unreadable — a garbled hint is no hint, not a reason to fail.
 *
 * @example
 * parseRetryAfter('2', Date.now()) // 2000
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  // Date.parse also accepts bare numbers and other loose forms; require something date-like.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
