import type { AttachmentSummary } from '../tools/index.js';

/**
 * Payment card numbers in what a customer writes. A card number (PAN) must not be stored, searched,
 * sent to a webhook or a language model, or logged: a customer who types one into a support chat
 * is told it was hidden, and only its last four digits are kept, as card schemes allow.
 *
 * A card number here is 13 to 19 digits, written together or in groups joined by single spaces or
 * hyphens, that begins as the card schemes' numbers do (2 to 6) and passes the Luhn check; a
 * longer run of digits, or one inside a word, is not one.
 */

// A run of digits with single spaces or hyphens between them, not touching other digits, letters
// or a decimal point.
const CANDIDATE = /(?<![\w.,])[2-6](?:[ -]?\d){12,18}(?![\w]|[.,]\d)/g;

/** Whether `digits` passes the Luhn check that every card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * `text` with every card number replaced by `replace(lastFour)`, and how many there were.
 *
 * @example
 * hideCardNumbers('my card 4242 4242 4242 4242 was charged twice');
 * // { text: 'my card [card number hidden, ending 4242] was charged twice', hidden: 1 }
 */
export function hideCardNumbers(
  text: string,
  replace: (lastFour: string) => string = (lastFour) => `[card number hidden, ending ${lastFour}]`,
): { text: string; hidden: number } {
  let hidden = 0;
  const out = text.replace(CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return match;
    hidden++;
    return replace(digits.slice(-4));
  });
  return { text: out, hidden };
}

/** What a customer who typed a card number is told. */
export const CARD_HIDDEN =
  "For your security, I've hidden the card number you sent. Please don't share card details in this chat: we never need them here.";

/**
 * What the customer is told of the card numbers hidden in their message and in their files
 * (see `AttachmentSummary.hidden`); empty when there were none.
 */
export function cardNotice(
  cards: 'none' | 'some' | 'only',
  attachments: AttachmentSummary[],
): string {
  const files = attachments.filter((a) => (a.hidden ?? 0) > 0);
  if (files.length === 0) return cards === 'none' ? '' : CARD_HIDDEN;
  const places = [...(cards === 'none' ? [] : ['your message']), ...files.map((a) => a.name)];
  const count = (cards === 'none' ? 0 : 1) + files.reduce((n, a) => n + (a.hidden ?? 0), 0);
  const list =
    places.length === 1 ? places[0] : `${places.slice(0, -1).join(', ')} and ${places.at(-1)}`;
  return `For your security, I've hidden the card ${count > 1 ? 'numbers' : 'number'} in ${list}. Please don't share card details in this chat: we never need them here.`;
}
