import { stem } from '../../../store/lexical/search-text.js';
import type { SignalMatch } from './signal-match.js';

/**
 * What the reply just given says staff do once contacted: "contact us and we will send a
 * replacement or refund you", "email us and we'll open a claim". Its verbs, in order.
 */
const CONTACT_THEN =
  /\b(?:contact|email|e-mail|call|message|write\s+to|tell)\s+us\b[^.;!?]{0,40}?\b(?:and|so)\s+we(?:\s+will|'ll|’ll|\s+can)\s+([^.;!?]{1,120})/gi;

/** A request addressed to the assistant: "can you …", "could you …", "please …", "just …". */
const ASKS_US =
  /\b(?:can|could|would|will)\s+(?:you|u|ya)\b|\bplease\b|^\s*(?:just\s+)?\w+\s+(?:me|us)\b/i;

/** Words of the promised action that say nothing of what is done. */
const LINKING = new Set(['or', 'and', 'you', 'your', 'a', 'an', 'the', 'it', 'them', 'with']);

/**
 * Asked to do what the reply just given says staff do once contacted ("can you just send a new
 * one?" after "If tracking has not changed for 7 days, contact us and we will send a replacement
 * or refund you"): the customer is contacting us, and only a person can do it. `undefined` when
 * the reply promises no such action, or the message asks for none of its verbs.
 *
 * @example
 * askedStaffAction('can you send a new one?', 'Contact us and we will send a replacement.');
 * // { detail: 'asked for what staff do once contacted: "send"' }
 */
export function askedStaffAction(
  message: string,
  previousReply: string | undefined,
): SignalMatch | undefined {
  if (previousReply === undefined || !ASKS_US.test(message.slice(0, 500))) return undefined;
  const promised = new Set<string>();
  for (const m of previousReply.slice(0, 5000).matchAll(CONTACT_THEN)) {
    for (const word of (m[1] ?? '').toLowerCase().split(/[^a-z']+/)) {
      if (word.length > 2 && !LINKING.has(word)) promised.add(stem(word));
    }
  }
  if (promised.size === 0) return undefined;
  const asked = message
    .slice(0, 500)
    .toLowerCase()
    .split(/[^a-z']+/)
    .find((word) => word.length > 2 && promised.has(stem(word)));
  return asked === undefined
    ? undefined
    : { detail: `asked for what staff do once contacted: "${asked}"` };
}
