import { STOP_WORDS } from '../../store/lexical/stop-words.js';
import type { ShortReplyKind } from './types.js';

// Every word of an answer that is not quoted from a passage comes from here. Nothing a customer
// or a passage says can change these: values are only ever put into the `${}` slots.

/** "Hi Jane," or "Hi,". */
export function greeting(firstName: string | undefined): string {
  return firstName ? `Hi ${firstName},` : 'Hi,';
}

/** "I've read invoice.pdf." / "I've read a.pdf and b.png." */
export function attachmentsRead(names: readonly string[]): string {
  return `I've read ${joinAnd(names)}.`;
}

/** Put before an answer about the customer's order. */
export function aboutOrder(orderNumber: string): string {
  return `About your order ${orderNumber}:`;
}

/** The answer to a message that asks nothing of the help center (see `ShortReplyKind`). */
export function shortAnswer(
  kind: ShortReplyKind,
  firstName: string | undefined,
  named = false,
  said: {
    /** The details the message gives besides a name, as they were read. */
    details?: ReadonlyArray<{ kind: string; value: string }>;
    /** Whether the conversation starts with this message. */
    firstTurn?: boolean;
    /**
     * Messages came before this one (a notice may lead the first reply, which is no first turn
     * for an introduction): a greeting does not start the conversation over.
     */
    ongoing?: boolean;
    /** A person follows up: details given are noted, and no new question is invited. */
    handedOver?: boolean;
    /**
     * The reply before offered a person, for a problem the help center could not settle: details
     * given now are for it, and the offer stands, rather than a new question being invited.
     */
    offered?: boolean;
  } = {},
): string {
  // Details given ("my order number is 12345") are said back, so that the customer sees what
  // was noted.
  const details = (said.details ?? []).map(detailOf);
  const noted = details.length > 0 ? `I've noted your ${joinAnd(details)}.` : '';
  const next = said.handedOver ? '' : said.offered ? OFFER_AGAIN : 'How can I help?';
  switch (kind) {
    case 'greeting':
      // Greeted again later in a conversation ("hello?" after a hand-over), nothing starts
      // over: a person who follows up already is said to (the hand-over line follows), and an
      // offer of one stands.
      return (
        said.ongoing
          ? [
              firstName ? `Hi again, ${firstName}!` : 'Hi again!',
              noted,
              said.handedOver ? '' : said.offered ? OFFER_PERSON : 'What else can I help you with?',
            ]
          : [firstName ? `Hi ${firstName}!` : 'Hi!', noted, 'How can I help you today?']
      )
        .filter((part) => part !== '')
        .join(' ');
    case 'introduction': {
      // Introduced by name: greeted by it at the start, thanked later; later in a conversation
      // nothing starts over.
      const first = said.firstTurn ?? true;
      const byName = named && firstName !== undefined;
      const opening = byName
        ? first
          ? `Hi ${firstName}!`
          : `Thank you, ${firstName}.`
        : 'Thank you,';
      return [
        opening,
        noted !== '' || byName ? noted : "I've noted that.",
        first && !said.handedOver && !said.offered ? 'How can I help you today?' : next,
      ]
        .filter((part) => part !== '')
        .join(' ');
    }
    case 'correction': {
      // A detail corrected replaces the one given before: said back as what it now is.
      const byName = named && firstName !== undefined;
      const updated = [
        ...(said.details ?? []).map((d) => `your ${nounOf(d.kind)} to ${d.value}`),
        ...(byName ? [`your name to ${firstName}`] : []),
      ];
      return [
        'Thank you,',
        updated.length > 0 ? `I've updated ${joinAnd(updated)}.` : "I've noted that.",
        next,
      ]
        .filter((part) => part !== '')
        .join(' ');
    }
    case 'help':
      return 'Of course. What would you like to know?';
    case 'capabilities':
      return (
        "I'm a virtual assistant: I answer questions from our help center, and I can connect " +
        'you with a member of our support team. What would you like to know?'
      );
    case 'thanks':
      return "You're welcome! Is there anything else I can help you with?";
    case 'farewell':
      return 'Thank you for contacting us. Goodbye!';
    case 'no':
      return 'All right. Is there anything else I can help you with?';
    case 'complaint':
      // Sorry, and what went wrong is asked; a person is offered, unless one follows up already.
      return said.handedOver
        ? "I'm sorry about that."
        : "I'm sorry about that. Could you tell me what went wrong, or would you like me to connect you with a member of our support team?";
    default:
      return 'Is there anything else I can help you with?';
  }
}

/**
 * Details given beside a question, said back before the answer as they are to a message of
 * details alone: "Thank you, I've noted your e-mail address bob@example.com.", "Thank you,
 * Bob." (a name the reply does not greet by); empty when there is nothing to say back.
 */
export function notedBeside(
  details: ReadonlyArray<{ kind: string; value: string }>,
  thankedName: string | undefined,
): string {
  const noted = details.length > 0 ? `I've noted your ${joinAnd(details.map(detailOf))}.` : '';
  if (thankedName !== undefined) return [`Thank you, ${thankedName}.`, noted].join(' ').trim();
  return noted === '' ? '' : `Thank you, ${noted}`;
}

/**
 * The answer said before in the conversation, said again: "As I mentioned, we do not accept
 * cash or cheques [1]." The quote's first word is lowercased only when it is a common word
 * ("We", "The", "If"), never a name ("PayPal", "Visa"): otherwise it follows a colon.
 */
export function saidBefore(quoted: string): string {
  const first = /^\p{L}+/u.exec(quoted)?.[0] ?? '';
  const lower = first.toLowerCase();
  const common =
    lower !== 'i' && STOP_WORDS.has(lower) && first === `${first.charAt(0)}${lower.slice(1)}`;
  return common
    ? `As I mentioned, ${lower}${quoted.slice(first.length)}`
    : `As I mentioned: ${quoted}`;
}

export const NOT_FOUND = "I couldn't find this in our help center.";
/**
 * Said before what the help center says of a thing asked for something it never names with it
 * ("a warranty on the bedding"): what follows is not said of what was asked about.
 */
export const NOT_FOR_THAT =
  "Our help center doesn't mention this for what you asked about. This is what it says:";
/** Said when a follow-up asks for more than the help center says beyond the reply just given. */
export const NOTHING_MORE = "I'm afraid our help center says no more about this than what I said.";
/** Said when a message tells it tried every step the help center gives for its problem. */
export const NOTHING_BEYOND_TRIED =
  "I'm afraid our help center suggests nothing beyond what you've tried already.";
export const OFFER_PERSON = 'Would you like me to connect you with a member of our support team?';
/** The offer of a person made again, once the customer gave details for them to go on. */
const OFFER_AGAIN =
  'Would you like me to connect you with a member of our support team, so that they can look into it?';

/**
 * Said to a customer who has waited longer for something than the help center says it takes
 * (`stated`), or than nothing it says: the help center has no more to tell them.
 */
export function stillWaiting(stated: boolean): string {
  return stated
    ? "I'm sorry you're still waiting: that is longer than it should take."
    : "I'm sorry you're still waiting.";
}

/** Said when a person will take over. */
export function followUp(ticketId: string): string {
  return `A member of our support team will follow up with you on this (ticket ${ticketId}).`;
}

/** Said when a ticket is opened and nothing is known to reach the customer by. */
export const ASK_CONTACT =
  'So that they can reach you, please tell me an e-mail address or a phone number.';

/** Opens the first reply to an angry or upset message, in place of a greeting. */
export const SORRY_TROUBLE = "I'm sorry for the trouble.";

/** Said first to a report that someone was hurt, before {@link SAFETY_FIRST}. */
export const SORRY_HURT = "I'm so sorry to hear that someone was hurt.";

/** Said first to a report of harm or danger: no ticket is quicker than the emergency services. */
export const SAFETY_FIRST =
  'If anyone is hurt or in danger, please call your local emergency services now.';

const FACT_NOUNS: Record<string, [string, string]> = {
  email: ['e-mail address', 'e-mail addresses'],
  phone: ['phone number', 'phone numbers'],
  order_number: ['order number', 'order numbers'],
  account_number: ['account number', 'account numbers'],
  ticket_number: ['ticket number', 'ticket numbers'],
  reference_number: ['reference number', 'reference numbers'],
};

/** "The e-mail address I have for you is jane@example.com." */
export function knownFact(kind: string, values: readonly string[]): string {
  if (kind === 'name') return `You told me your name is ${joinAnd(values)}.`;
  const [one, many] = FACT_NOUNS[kind] ?? ['detail', 'details'];
  return values.length === 1
    ? `The ${one} I have for you is ${values[0]}.`
    : `The ${many} I have for you are ${joinAnd(values)}.`;
}

/** "order number 44170", as a detail is said back. */
function detailOf(detail: { kind: string; value: string }): string {
  return `${nounOf(detail.kind)} ${detail.value}`;
}

/** What a kind of detail is called: "order number". */
function nounOf(kind: string): string {
  return FACT_NOUNS[kind]?.[0] ?? 'detail';
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
