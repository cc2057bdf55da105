// Reading what a session's live feed or WebSocket received, as it arrives.
import { parseSse, type Json } from './http.js';

/** The data of the events named `event` in a feed's text, in the order they came. */
export function eventsOf(text: string, event: string): Json[] {
  return parseSse(text)
    .filter((e) => e.event === event)
    .map((e) => e.data);
}

/**
 * Waits until `check` holds, for at most `timeoutMs`: what another instance relays, or a
 * socket's close, reaches this side a moment after it happened. Returns either way: the test's
 * assertion that follows says what did not happen.
 */
export async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
