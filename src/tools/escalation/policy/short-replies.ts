import { onlyFeels, scoreTokens } from './sentiment.js';
import { tokenize } from './tokenize.js';

/**
 * What a short message that asks nothing says: "Hi!", "thanks a lot", "ok, bye", "yes please".
 * Such a message is not a question for the help center; a reply to an offer ("Would you like me
 * to connect you with a member of our support team?") is an answer to it.
 */
export type ShortReply =
  | 'greeting'
  | 'thanks'
  | 'farewell'
  | 'acknowledgement'
  | 'yes'
  | 'no'
  /** "I have a question", "can you help me?": help is asked for, not yet with what. */
  | 'help'
  /** "What can you do?", "are you a bot?". */
  | 'capabilities'
  /** Only details about the customer: "I'm Jane", "my order number is 4417". */
  | 'introduction'
  /** Only details that correct ones given before: "sorry, my email is actually jane@example.org". */
  | 'correction'
  /** Only how badly the customer feels about it: "that's stupid", "useless!", "ugh". */
  | 'complaint';

/** Phrases of each kind, as words; the longest phrase that fits is taken first. */
const PHRASES: Record<
  Exclude<ShortReply, 'introduction' | 'correction' | 'complaint'>,
  readonly string[]
> = {
  help: [
    'help',
    'help me',
    'help please',
    'i need help',
    'i need some help',
    'need help',
    'can you help',
    'can you help me',
    'could you help me',
    'can you help me please',
    'i have a question',
    'i have some questions',
    'i have a few questions',
    'quick question',
    'a question',
    'question',
    'can i ask a question',
    'can i ask something',
    'i need assistance',
  ],
  capabilities: [
    'what can you do',
    'what do you do',
    'who are you',
    'what are you',
    'are you a bot',
    'are you a robot',
    'are you human',
    'are you a human',
    'are you a real person',
    'are you real',
  ],
  greeting: [
    'hi',
    'hello',
    'hey',
    'heya',
    'hiya',
    'howdy',
    'greetings',
    'good morning',
    'good afternoon',
    'good evening',
    'good day',
    'morning',
    'how are you',
    'how are you doing',
    "how's it going",
    'how is it going',
    'anyone there',
    'anybody there',
    'is anyone there',
    'is anybody there',
    'are you there',
  ],
  thanks: [
    'thanks',
    'thank you',
    'thank u',
    'thankyou',
    'thx',
    'thnx',
    'ty',
    'cheers',
    'many thanks',
    'much appreciated',
    'appreciate it',
    'i appreciate it',
    'that helped',
    'that helps',
    'this helped',
    'that was helpful',
    'very helpful',
    'helpful',
    // Word that the answer worked is thanks for it: "thanks, that worked".
    'that worked',
    'it worked',
    'that works',
    'it works now',
    'works now',
    'that did it',
    'that did the trick',
    'that fixed it',
    'that solved it',
    'problem solved',
    // Praise: "I love your shop, thank you so much!"
    ...praise(),
  ],
  farewell: [
    'bye',
    'goodbye',
    'good bye',
    'bye bye',
    'see you',
    'see ya',
    'see you later',
    'take care',
    'have a nice day',
    'have a good day',
    'have a great day',
    'good night',
    "that's all",
    'that is all',
    "that's it",
    'nothing else',
    "i'm done",
    'all good',
  ],
  acknowledgement: [
    'ok',
    'okay',
    'k',
    'kk',
    'alright',
    'all right',
    'got it',
    'cool',
    'great',
    'perfect',
    'awesome',
    'nice',
    'fine',
    'understood',
    'i see',
    'makes sense',
    'noted',
    'sounds good',
    'good',
  ],
  yes: [
    'yes',
    'yeah',
    'yea',
    'yep',
    'yup',
    'y',
    'sure',
    'please',
    'yes please',
    'please do',
    'go ahead',
    'do it',
    'absolutely',
    'definitely',
    'of course',
    'i would',
    "i'd like that",
    'i would like that',
    'that would be great',
    'that would be nice',
    'connect me',
  ],
  no: [
    'no',
    'nope',
    'nah',
    'no thanks',
    'no thank you',
    'not now',
    'not yet',
    "i'm good",
    'i am good',
    "i'm fine",
    "don't",
    'no need',
  ],
};

/**
 * "I love your shop", "love your app", "you're the best": said of the company or the help, with
 * nothing asked.
 */
function praise(): string[] {
  const things = ['shop', 'store', 'app', 'service', 'products', 'site', 'website', 'team'];
  const liking = ['love', 'i love', 'we love', 'i really love', 'really love', 'i like', 'we like'];
  return [
    ...liking.flatMap((verb) =>
      ['it', 'this', ...things.map((t) => `your ${t}`)].map((o) => `${verb} ${o}`),
    ),
    "you're the best",
    'you are the best',
    "you're great",
    'you are great',
    "you're amazing",
    'you are amazing',
    'great job',
    'well done',
  ];
}

/** Words that may come with any of them: "hi there", "thanks so much", "ok then". */
const FILLERS = new Set(
  'there team all everyone guys folks again so very much a lot you too then just and oh ah well'.split(
    ' ',
  ),
);

/** When a message holds phrases of several kinds, the first kind here is what it says. */
const PRECEDENCE: readonly ShortReply[] = [
  'no',
  'farewell',
  'capabilities',
  'help',
  'yes',
  'thanks',
  'greeting',
  'acknowledgement',
];

/**
 * Words that may stand around details the customer gives ("my name is …", "this is …, my order
 * number is …"), once the details themselves are taken out; and the ways of saying how to be
 * reached, which is what a customer asked for contact details answers ("you can reach me on …",
 * "call me on …", "email me at …", "text me on … or … works too").
 */
const INTRODUCING = new Set(
  (
    "my name name's is i'm i am this it's call me order account customer member membership " +
    'number no nr email e mail address phone mobile ticket reference ref here you can reach at ' +
    "the it for on via by or and number's cell telephone tel landline text ring contact best " +
    'works'
  ).split(' '),
);

/**
 * Words by which details correct ones given before ("sorry, my email is actually …", "oops,
 * typo: it's …", "I meant …", "the right number is …"), and words that go with them.
 */
const CORRECTING = new Set(
  (
    'sorry actually oops whoops correction corrected correct right typo meant instead rather ' +
    'wrong mistake apologies new updated changed'
  ).split(' '),
);
const CORRECTING_FILLERS = new Set(
  'i mean should be was not one that my bad made a use please oh to'.split(' '),
);

/**
 * " about my order", " regarding a refund" after a question announced: what it will be about
 * (group 1: "my order", "a refund").
 */
const QUESTION_ABOUT =
  /(?<=\bquestions?)\s+(?:about|regarding|concerning|on|re)\s+((?:(?:my|an?|the|our|your)\s+)?[\p{L}\p{N}]+(?:[\s-]+[\p{L}\p{N}]+){0,2})\s*[.!?…]*\s*$/iu;

/**
 * "No luck", "no joy": the step the customer was given did not work, and they ask what comes
 * next about it (a follow-up), however sour it sounds.
 */
const NO_LUCK = /\bno\s+(?:luck|joy|dice|success)\b/i;

/**
 * A message of feeling alone, and a bad one: "that's stupid", "this is useless", "ugh". It asks
 * the help center nothing, and is no question it failed to answer; what went wrong is asked,
 * and a person offered (whether one takes over is the escalation policy's to say, from the mood
 * of this message and of those before). Not a problem told ("still broken", "it doesn't work"):
 * that says what went wrong.
 */
function complaintOf(message: string): 'complaint' | undefined {
  if (NO_LUCK.test(message)) return undefined;
  const tokens = tokenize(message);
  return onlyFeels(tokens) && scoreTokens(message, tokens) < 0 ? 'complaint' : undefined;
}

/** Longer messages are never taken for one of these. */
const MAX_WORDS = 12;
const MAX_CHARS = 120;

/** Phrase (words joined by one space) → its kind; and the longest phrase, in words. */
const KIND_OF = new Map<string, ShortReply>();
let LONGEST = 1;
for (const [kind, phrases] of Object.entries(PHRASES) as Array<[ShortReply, string[]]>) {
  for (const phrase of phrases) {
    KIND_OF.set(phrase, kind);
    LONGEST = Math.max(LONGEST, phrase.split(' ').length);
  }
}

/**
 * Reads a message made only of a greeting, thanks, a farewell, an acknowledgement, a yes or a
 * no, a plea for help or a question about the assistant itself, or (with the details `given` in
 * it, as fact extraction found them) only details about the customer, perhaps correcting ones
 * given before ("sorry, my email is actually …": a `correction`) — with punctuation, emoji and
 * words such as "there" or "so much" around them — or only a bad feeling ("that's stupid": a
 * `complaint`), and says which; undefined for anything else, including any message that also
 * asks or says something ("hi, where is my order?", "thanks but it did not work"). Whole words
 * only.
 *
 * @example
 * readShortReply('Thanks so much!! 😊'); // 'thanks'
 * readShortReply('ok, bye');             // 'farewell'
 * readShortReply('Hi, my order is late'); // undefined
 * readShortReply("I'm Jane, my order number is 4417", ['Jane', '4417']); // 'introduction'
 * readShortReply('sorry, my email is actually jane@example.org', ['jane@example.org']); // 'correction'
 * readShortReply("that's stupid"); // 'complaint'
 */
export function readShortReply(
  message: string,
  given: readonly string[] = [],
): ShortReply | undefined {
  if (message.length > MAX_CHARS) return undefined;
  // "I have a question about my order": a question announced, not yet asked. What it is about
  // is no question for the help center (every page speaks of orders); the customer is asked it.
  const announced = QUESTION_ABOUT.exec(message);
  if (announced !== null) {
    const kind = readShortReply(message.slice(0, announced.index), given);
    if (kind === 'help') return kind;
  }
  const base = message.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  // Details the customer gave (a name, an order number…) are taken out, with the words that
  // introduce them; what is left says whether the message asks anything.
  let text = base;
  // Longest first: "jane@example.com" goes whole before "jane" could cut it.
  const values = given.filter((v) => v !== '').sort((a, b) => b.length - a.length);
  for (const value of values) text = text.replaceAll(value.toLowerCase(), ' ');
  const introduces = text !== base;
  const words = text.match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  if (words.length > MAX_WORDS || (words.length === 0 && !introduces)) return undefined;
  const kinds = new Set<ShortReply>();
  let corrects = false;
  let i = 0;
  while (i < words.length) {
    let matched = 0;
    // Beside details, "please" is manners ("please call me on …"), not a yes to anything.
    if (introduces && words[i] === 'please') matched = 1;
    for (let n = Math.min(LONGEST, words.length - i); n >= 1 && matched === 0; n--) {
      const kind = KIND_OF.get(words.slice(i, i + n).join(' '));
      if (kind !== undefined) {
        kinds.add(kind);
        matched = n;
      }
    }
    if (matched === 0) {
      const word = words[i] as string;
      const correcting = introduces && CORRECTING.has(word);
      corrects ||= correcting;
      if (
        !FILLERS.has(word) &&
        !correcting &&
        !(introduces && (INTRODUCING.has(word) || CORRECTING_FILLERS.has(word)))
      ) {
        // "no, that's stupid", "ok this is useless": a word of feeling says it all.
        return introduces ? undefined : complaintOf(message);
      }
      matched = 1;
    }
    i += matched;
  }
  return (
    PRECEDENCE.find((kind) => kinds.has(kind)) ??
    (introduces ? (corrects ? 'correction' : 'introduction') : undefined)
  );
}

/**
 * What a question announced is to be about: "my order" of "I have a question about my order"
 * (a message {@link readShortReply} reads as `help`); `undefined` for any other message. The
 * question that follows ("where is it?") is about it.
 *
 * @example
 * announcedSubject('Hi, I have a question about my order.'); // 'my order'
 * announcedSubject('I have a question'); // undefined
 */
export function announcedSubject(message: string): string | undefined {
  if (message.length > MAX_CHARS) return undefined;
  const announced = QUESTION_ABOUT.exec(message);
  if (announced === null || readShortReply(message.slice(0, announced.index)) !== 'help') {
    return undefined;
  }
  return announced[1];
}

/**
 * Whether a customer's message takes up the offer of a person made by the agent's reply before
 * it ("yes please", "ok", "sure, go ahead").
 */
export function acceptsOffer(message: string, previousReply: string | undefined): boolean {
  if (previousReply === undefined || !offersPerson(previousReply)) return false;
  const reply = readShortReply(message);
  return reply === 'yes' || reply === 'acknowledgement';
}

/**
 * Whether an agent's reply ends by offering to hand the conversation to a person, as the
 * extractive responder's "Would you like me to connect you with a member of our support team?"
 * does, or a language model's "Shall I transfer you to a human agent?".
 */
export function offersPerson(reply: string): boolean {
  const end = reply.slice(-600);
  // Both ways of offering end with a question mark: a reply without one is not read for them.
  return end.includes('?') && OFFER.test(end);
}

const OFFER =
  /\b(?:connect|transfer|put|pass|hand)\s+you\s+(?:with|to|through\s+to|over\s+to|on\s+to)\s+(?:a|an|one\s+of|our|the|someone|somebody)\b[^?]{0,80}\?|\b(?:speak|talk)\s+(?:to|with)\s+(?:a|an|one\s+of|our|someone|somebody)\b[^?]{0,60}\?/i;
