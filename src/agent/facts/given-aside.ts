import { detailsFound, type DetailsFound } from './extract-facts.js';
import type { FactKind, Found } from './types.js';

/** The details a customer gives about themselves to be reached by: no help-center page has them. */
const ASIDE_KINDS: ReadonlySet<FactKind> = new Set(['name', 'email', 'phone']);

/**
 * The words that introduce such a detail, just before it: "my name is", "my e-mail address:",
 * "I'm", "this is", "you can reach me at", "call me on". Tried on a bounded stretch before each
 * detail ({@link INTRO_REACH}), anchored at its end.
 */
const INTRO = new RegExp(
  String.raw`(?:(?:\b(?:my|our)\s+)?(?:full\s+)?\b(?:name|e-?mail(?:\s+address)?|mail\s+address|(?:phone|mobile|cell|telephone|contact)(?:\s+(?:number|no\.?))?|number)(?:\s*(?:['’]s|\bis|:|-))?|\b(?:i['’]?m|i\s+am|this\s+is|it['’]?s|call\s+me(?:\s+on)?|(?:you\s+can\s+)?(?:reach|contact|e-?mail|mail|text|call|write\s+to)\s+me\s+(?:at|on|via|by))|\b(?:at|on|is))\s*$`,
  'i',
);
const INTRO_REACH = 48;

/** What may end an introduction after a name: "this is Jane from Acme", "Jane here". */
const AFTER_NAME =
  /^\s+(?:from\s+\p{Lu}[\p{L}\p{N}'’&-]*(?:\s+\p{Lu}[\p{L}\p{N}'’&-]*){0,2}|here\b)/u;

/** A word that joins what was said to the detail: "… and my email is …". */
const JOINING = /(?:^|\s)(?:and|but|also|so|or|plus)$/i;

/** What opens the words after a detail: separators and a joining word ("and I want a refund"). */
const AFTER_DETAIL = /^[\s,;:.!-]*(?:(?:and|but|also|so|or|plus)\b)?[\s,;]*/i;

/**
 * A message's own question without the details the customer gives beside it to be known or
 * reached by — a name, an e-mail address, a phone number, each with the words that introduce it
 * ("How long do refunds take? My name is Bob": "How long do refunds take?") — and those details.
 * No help-center page has "Bob" or "bob@example.com": looked up with the question, they would
 * be words of it that nothing answers. Order, account and other numbers stay: the question is
 * often about them ("where is order 88231?"). Linear in the message's length. `inMessage` are
 * the message's details when they were found already (see `detailsFound`).
 *
 * @example
 * givenAside('my email is bob@example.com and I want a refund');
 * // { question: 'I want a refund', given: [{ kind: 'email', value: 'bob@example.com' }] }
 */
export function givenAside(
  message: string,
  inMessage: DetailsFound = detailsFound(message),
): {
  question: string;
  given: Array<{ kind: FactKind; value: string }>;
} {
  const details = inMessage.kept.filter((found) => ASIDE_KINDS.has(found.kind));
  if (details.length === 0) return { question: message, given: [] };
  const parts: string[] = [];
  let from = 0;
  for (const detail of details) {
    if (detail.start < from) continue;
    parts.push(message.slice(from, introStart(message, detail, from)));
    from = detail.end;
    if (detail.kind === 'name') {
      from += AFTER_NAME.exec(message.slice(from, from + 80))?.[0].length ?? 0;
    }
  }
  parts.push(message.slice(from));
  const question = parts
    .map((part, i) => {
      let text = i > 0 ? part.replace(AFTER_DETAIL, '') : part;
      if (i < parts.length - 1) text = trimJoining(text);
      return text;
    })
    .filter((part) => part !== '')
    .join(' ');
  const seen = new Set<string>();
  const given = details.flatMap(({ kind, value }) => {
    const key = `${kind}:${value.toLowerCase()}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ kind, value }];
  });
  return { question: question.trim(), given };
}

/** Where the words that introduce `detail` begin, no earlier than `floor`. */
function introStart(message: string, detail: Found, floor: number): number {
  const start = Math.max(floor, detail.start - INTRO_REACH);
  const before = message.slice(start, detail.start);
  const intro = INTRO.exec(before);
  return intro ? start + intro.index : detail.start;
}

/** `text` without the joining word it ends with ("I want a refund and"). */
function trimJoining(text: string): string {
  const out = text.trimEnd();
  const joined = JOINING.exec(out.slice(-8));
  return joined ? out.slice(0, out.length - joined[0].length).trimEnd() : out;
}
