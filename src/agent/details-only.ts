import { readShortReply, type ShortReply } from '../tools/escalation/index.js';
import { detailsFound, type DetailsFound } from './facts/index.js';

/**
 * Words that say what the details given are about ("it's about order 88123", "regarding
 * account 5512"): beside details and nothing else, they ask nothing.
 */
const ABOUT = /\b(?:about|regarding|concerning|re)\b/giu;

/**
 * What a message that asks nothing of the help center says (see `readShortReply`), the
 * customer's details it gives (`details`, as `detailsFound` finds them) taken as it writes them:
 * a phone number is remembered as "555 123 4567" but written "555-123-4567", and only what is
 * written can be taken out of it. A message of details and the words saying what they are about
 * ("It's about order 88123") is details too: what the customer wants of them is asked.
 *
 * @example
 * shortReplyOf('my email is jane@example.com and phone 555-123-4567'); // 'introduction'
 * shortReplyOf("It's about order 88123"); // 'introduction'
 * shortReplyOf('Where is order 88123?'); // undefined
 */
export function shortReplyOf(
  text: string,
  details: DetailsFound = detailsFound(text),
): ShortReply | undefined {
  const given = details.kept.map((found) => text.slice(found.start, found.end));
  const kind = readShortReply(text, given);
  if (kind !== undefined || given.length === 0) return kind;
  // The details first, so that "re" of an e-mail address ("re@example.com") is left whole.
  let rest = text;
  for (const value of [...given].sort((a, b) => b.length - a.length)) {
    rest = rest.replaceAll(value, ' ');
  }
  const without = rest.replace(ABOUT, ' ');
  if (without === rest) return undefined;
  // Whether it asks anything is read from what is left, beside the details.
  return readShortReply(`${without} ${given.join(' ')}`, given);
}
