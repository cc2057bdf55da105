import { queryTerms, words } from '../rag/search/query-terms.js';
import { stem } from '../store/lexical/search-text.js';
import { continuationOf } from '../model/extractive/question-terms.js';
import { announcedSubject, offersPerson } from '../tools/escalation/policy/index.js';
import { shortReplyOf } from './details-only.js';

/**
 * Words that point back at something said before: "is vomiting one of *them*?", "how much does
 * *it* cost?", "can I do *that* online?".
 */
const BACK_REFERENCES = new Set([
  'it',
  'its',
  'they',
  'them',
  'their',
  'that',
  'this',
  'those',
  'these',
  'there',
  // "do i need to bring anything?" after a question on renting a tent: anything for that.
  'anything',
]);

/** A question word asked alone ("why?", "how much?", "since when?") asks about what was said. */
const QUESTION_WORDS = new Set(['why', 'how', 'when', 'where', 'what', 'which', 'who']);
/**
 * Words that may stand with it: "how much?", "how long for?", "really? why?", "what do I do now?",
 * "what should we do next?", "how long do I have?", "how long will it take?", "when do I get it?".
 */
const WITH_QUESTION_WORD = new Set(
  (
    'much many long often soon come since so then exactly really else more but and for ' +
    'i we do does should can could now next have has will would get take takes to wait'
  ).split(' '),
);

/**
 * A problem that goes on after the reply ("still the same", "that didn't work", "no luck"): the
 * customer asks for what comes next about the same thing.
 */
const STILL_TROUBLE =
  /\b(?:still|same|no\s+(?:luck|change|difference)|(?:did|does|do|has|have)(?:n'?t|\s+not)\s+(?:work|help|change|fix)(?:ed)?|nothing\s+(?:changed|happen(?:s|ed)?)|not\s+(?:working|fixed))\b/i;

/**
 * What the customer says they did already ("I've already restarted the hub", "tried that", "I
 * did that"): the step they were given, or would be, did not help.
 */
const DONE_ALREADY = /\b(?:already|tried|(?:done|did)\s+(?:that|this|it|so))\b/i;
/** Words that say something was done, not what: they name nothing of the message's own. */
const DONE_WORDS = new Set(['already', 'tried', 'try', 'trying']);

/**
 * A step said to be done and nothing more ("I've already checked my spam folder"): no question,
 * no problem told ("I already paid but it hasn't come"), and few words. It leans on the question
 * before, however many things it names: what comes next about that is asked.
 */
const ALREADY = /\balready\b/i;
const ASKS =
  /\?|^\s*(?:how|what|when|where|why|which|who|can|could|do|does|did|is|are|will|would|should)\b/i;
const TELLS_TROUBLE =
  /\b(?:not|no|never|cannot|nothing|\w+n['’]t|(?:did|does|do|has|have|had|is|are|was|were|could|would|ca|wo)nt|but|still)\b/i;
/** At most this many things named by a step said to be done that leans on the question before. */
const MAX_DONE_WORDS = 6;

function onlyTellsDone(text: string): boolean {
  return (
    ALREADY.test(text) &&
    !ASKS.test(text) &&
    !TELLS_TROUBLE.test(text) &&
    ownWords(text).length <= MAX_DONE_WORDS
  );
}

/** Where the step said to be done ends: "checked my statement, and it's not there". */
const STEP_END = /[,.;:!?]|\b(?:and|but|so|because|then|as|since)\b/i;

/** The content words of a message that name something ("restarted", "hub"), in order. */
function ownWords(text: string): string[] {
  const told = text.replace(AGO, ' ');
  // "I bought them 70 days ago": with the time, the buying says when, as the time does.
  const when = told !== text;
  return queryTerms(told).contentTerms.filter(
    (word) => !DONE_WORDS.has(word) && !ASIDES.has(word) && !(when && GOT_WORDS.has(word)),
  );
}

/** How a thing came to the customer, said with how long ago: "bought", "ordered", "received". */
const GOT_WORDS = new Set('bought purchased ordered received got'.split(' '));

/**
 * How long ago something was done ("70 days ago", "a few weeks ago") says when, not what about:
 * "I bought them 70 days ago though" after "I want to return my boots" is about the return.
 */
const AGO =
  /\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|several|few)\s+(?:hours?|days?|weeks?|months?|years?)\s+ago\b/gi;
/** Words that set a message against the one before ("though") and name nothing. */
const ASIDES = new Set(['though', 'anyway', 'actually']);

/** A follow-up names at most this many things of its own; more, and it stands on its own. */
const MAX_OWN_WORDS = 2;
/** How many of the customer's earlier messages are looked through for the question before. */
const LOOKBACK = 3;
/** How many questions a chain of follow-ups reaches back: "…? and cats? and dogs?". */
const MAX_CHAIN = 3;

/**
 * What "how many" or "how much" may count and still ask only how long or how often, as "how
 * long" does: "how many days do I have?", "how much time is left?", "how many times?".
 */
const MEASURES = new Set('seconds minutes hours days weeks months years times time'.split(' '));

function asksQuestionWordAlone(said: readonly string[]): boolean {
  const asked = said.filter(
    (word, i) => !(MEASURES.has(word) && (said[i - 1] === 'many' || said[i - 1] === 'much')),
  );
  return (
    asked.length <= 5 &&
    asked.some((word) => QUESTION_WORDS.has(word)) &&
    asked.every((word) => QUESTION_WORDS.has(word) || WITH_QUESTION_WORD.has(word))
  );
}

/**
 * Whether a message names nothing and asks only for more about what came before: a question word
 * alone ("why?", "what do I do now?"), a problem that goes on ("still the same") or a step taken
 * already ("I've already restarted the hub", "I already checked my spam folder").
 */
export function asksOnlyMore(message: string): boolean {
  const text = message.slice(0, 500);
  if (asksQuestionWordAlone(words(text)) || onlyTellsDone(text)) return true;
  return (
    (STILL_TROUBLE.test(text) || DONE_ALREADY.test(text)) && ownWords(text).length <= MAX_OWN_WORDS
  );
}

/**
 * What a message says the customer did already, as the words that name the step, its verb
 * first: the content words after "already" or "tried" up to the end of the clause ("I've
 * already checked my spam folder": "checked spam folder"), else those of the message ("I reset
 * it already": "reset"); `undefined` when it says nothing was done, or names nothing ("I did
 * that").
 *
 * @example
 * doneAlready("I've already restarted the hub"); // 'restarted hub'
 */
export function doneAlready(message: string): string | undefined {
  const text = message.slice(0, 500);
  const marker = DONE_ALREADY.exec(text);
  if (!marker) return undefined;
  const stepOf = (clause: string) => ownWords(clause.split(STEP_END)[0] ?? '');
  const after = stepOf(text.slice(marker.index + marker[0].length));
  const step = after.length > 0 ? after : stepOf(text);
  return step.length > 0 ? step.join(' ') : undefined;
}

/** "how do I reset my password": the verb of what was asked how to do, and what follows it. */
const HOW_TO =
  /\bhow\s+(?:do|can|could|should|would|to)\s+(?:(?:i|we)\s+)?(\p{L}+)\s+([^?.!,;:()]*)/iu;

/**
 * The step a follow-up says is done: the one it names ("I've already checked my spam folder":
 * "checked spam folder", see {@link doneAlready}), or, when it names none ("I already did
 * that", "tried that"), what the question it follows (`before`) asked how to do: "reset
 * password" of "how do I reset my password?". The customer did what they were told; a sentence
 * that tells to do it again ("Wait, then try again or reset your password", of locked accounts)
 * is no next step.
 *
 * @example
 * doneStep('I already did that', 'how do I reset my password?'); // 'reset password'
 */
export function doneStep(message: string, before: string): string | undefined {
  const named = doneAlready(message);
  if (named !== undefined || !DONE_ALREADY.test(message.slice(0, 500))) return named;
  const m = HOW_TO.exec(before.slice(0, 500));
  if (!m) return undefined;
  const step = ownWords(`${m[1] ?? ''} ${(m[2] ?? '').split(STEP_END)[0] ?? ''}`);
  // The verb first, as a step is named: a step that is no verb of its own ("how do I get …")
  // names nothing done.
  return step[0] === m[1]?.toLowerCase() && step.length > 0 ? step.join(' ') : undefined;
}

/**
 * Whether a message leans on the question before it: it only says a step is done already ("I
 * already checked my spam folder"), or it says little of its own (at most two content words)
 * and either opens as a continuation ("and …", "what about …", "what if …"), points back with
 * "it", "them", "that", …, is a question word with nothing of its own ("why?", "how much?"),
 * says the problem goes on ("still the same", "no luck") or that the customer did something
 * already ("I've already restarted it").
 *
 * @example
 * isFollowUp('What about cats specifically?'); // true
 * isFollowUp('Is vomiting one of them?'); // true
 * isFollowUp('How long does the virus live on surfaces?'); // false
 */
export function isFollowUp(message: string): boolean {
  const text = message.slice(0, 500);
  if (onlyTellsDone(text)) return true;
  if (ownWords(text).length > MAX_OWN_WORDS) return false;
  const said = words(text);
  if (said.length === 0) return false;
  if (continuationOf(said)) return true;
  if (asksQuestionWordAlone(said) || STILL_TROUBLE.test(text) || DONE_ALREADY.test(text)) {
    return true;
  }
  return said.some(
    (word, i) =>
      BACK_REFERENCES.has(word) &&
      // "is there a warranty?", "there are no fees": "there" says something is, not where.
      !(word === 'there' && (BE.has(said[i - 1] ?? '') || BE.has(said[i + 1] ?? ''))),
  );
}

/**
 * The words a follow-up names that the question(s) it leans on (`context`) do not, by stem:
 * "colour", "exchange" of "I don't like the colour, can I exchange it?" after "how long does
 * delivery take?". None for one that only asks for more ("how many days do I have?"), or that
 * names only what was asked before.
 *
 * @example
 * namedApart("can I exchange it?", 'how long does delivery take?'); // ['exchange']
 */
export function namedApart(message: string, context: string): string[] {
  const before = new Set(words(context.slice(0, 2000)).map(stem));
  return ownWords(message.slice(0, 500)).filter((word) => !before.has(stem(word)));
}

/** Forms of "to be" beside which "there" says that something is ("is there …?"). */
const BE = new Set(['is', 'are', 'was', 'were', 'be', 'isn', 'aren', 's']);

/**
 * The earlier question(s) a follow-up leans on (see {@link isFollowUp}), or `''` when the message
 * stands on its own. `earlier` are the customer's previous messages, oldest first. Greetings,
 * thanks and other short replies are passed over; a follow-up of a follow-up reaches back one
 * question more, up to three ("how much does it cost?" after "what about express?" after "and
 * to Canada?" after "How long does shipping take?"). The turn searches the message together with them, so that "what about cats?"
 * after "Can I catch COVID from my pet?" finds the page on pets.
 *
 * @example
 * followUpContext('Is vomiting one of them?', ['What are the symptoms?']);
 * // 'What are the symptoms?'
 */
export function followUpContext(message: string, earlier: readonly string[]): string {
  return followUpChain(message, earlier)
    .map((k) => askedIn(earlier[k] ?? ''))
    .join(' ');
}

/**
 * What an earlier message of a chain (see {@link followUpChain}) says a follow-up is about: the
 * subject of a question announced ("my order" of "I have a question about my order"), else the
 * message itself.
 *
 * @example
 * askedIn('I have a question about my order'); // 'my order'
 * askedIn('How long does shipping take?'); // 'How long does shipping take?'
 */
export function askedIn(earlier: string): string {
  const text = earlier.trim();
  return announcedSubject(text) ?? text;
}

/**
 * The positions in `earlier` of the questions {@link followUpContext} joins, newest first: the
 * last is the question the chain of follow-ups started from. A question announced with its
 * subject ("I have a question about my order") starts a chain: "where is it?" after it asks
 * where the order is.
 *
 * @example
 * followUpChain('and dogs?', ['Can I bring my pet?', 'thanks', 'and cats?']); // [2, 0]
 * followUpChain('where is it?', ['I have a question about my order']); // [0]
 */
export function followUpChain(message: string, earlier: readonly string[]): number[] {
  const chain: number[] = [];
  let current = message;
  let index = earlier.length - 1;
  const oldest = Math.max(0, earlier.length - LOOKBACK);
  while (chain.length < MAX_CHAIN && isFollowUp(current)) {
    let previous: number | undefined;
    let announced = false;
    for (; index >= oldest && previous === undefined; index--) {
      const text = earlier[index]?.trim() ?? '';
      if (text === '') continue;
      announced = announcedSubject(text) !== undefined;
      if (announced || shortReplyOf(text) === undefined) previous = index;
    }
    if (previous === undefined) break;
    chain.push(previous);
    // Nothing was asked before the announcement that the question after it leans on.
    if (announced) break;
    current = earlier[previous]?.trim() ?? '';
  }
  return chain;
}

/**
 * Whether the agent's last reply offered to connect the customer with a person (see
 * `offersPerson`): a message that answers with details ("order 88231") gives them for that.
 *
 * @example
 * offeredPerson([
 *   { role: 'user', text: 'Do you sell garden furniture?' },
 *   { role: 'assistant', text: "I couldn't find this … Would you like me to connect you with a member of our support team?" },
 * ]); // true
 */
export function offeredPerson(history: ReadonlyArray<{ role: string; text: string }>): boolean {
  const last = history.at(-1);
  return last?.role === 'assistant' && offersPerson(last.text);
}

/**
 * Where a message tells what the customer tried themselves: "tried …", "I've already …", "we
 * have already …". Not "already" said of someone else ("the driver already grabbed my food") or
 * of a state ("regret it already").
 */
const TRIED = /\b(?:tried|(?:i|we)(?:['’]ve|\s+have)?\s+already)\s+/gi;
/** Where the list of steps tried ends: the end of a sentence, or what happened after them. */
const TRIED_END = /[.?!;:]|\b(?:but|so|because|then|now|still|yet|what|how|any)\b/i;
/**
 * Restarting told of "it" (or "them", "everything"): "turning it off and on again", "switched it
 * off and back on", "unplugged it and plugged it back in", "power cycled it". The thing is the
 * one the message is about; the step is restarting it, as a help center tells it ("restart the
 * Hub"). A thing named ("turned bluetooth off and on") is a step of its own (see
 * {@link stepOfPart}): a help center tells that step with those words.
 */
const RESTARTED_IT = new RegExp(
  String.raw`\b(?:(?:turn|switch|power)(?:ed|ing)?\s+(?:it|them|everything)\s+off\s+(?:and|&|then)\s+(?:back\s+)?on(?:\s+again)?` +
    String.raw`|unplug(?:ged|ging)?\s+(?:it|them|everything)\s+(?:and|&|then)\s+plug(?:ged|ging)?\s+(?:it|them|everything)\s+(?:back\s+)?in(?:\s+again)?` +
    String.raw`|power[\s-]?cycl(?:ed|ing)(?:\s+(?:it|them|everything))?` +
    String.raw`|reboot(?:ed|ing)\s+(?:it|them|everything))\b`,
  'giu',
);
/** The verb of a restart, as {@link RESTARTED_IT} tells it and as customers write it. */
const RESTART = /^(?:restart(?:ed|ing)|reboot(?:ed|ing))$/u;
/** What parts the steps of a list: "turned bluetooth off, closed the app and reopened it". */
const STEP_PARTS = /,|\b(?:and|or|also|plus)\b/i;
/** A word that says a step done: "restarted", "turning", "reset"; not "nothing" or "evening". */
const DONE_VERB =
  /^(?!(?:no|some|any|every)?thing$|morning$|evening$)(?:\p{L}{3,}(?:ed|ing)|reset|put|made|took|went|sent|held|did)$/u;
/**
 * A thing told as it is, with no verb: "bluetooth on", "wifi switched off", "location enabled".
 * Said among the steps tried, the customer turned it so: the step is turning it. Not a thing
 * told with "the" or "a" ("the internet light is off", "a warning light is on"): that is what
 * the customer sees, the trouble itself, and no step they took.
 */
const LEFT_SO =
  /^\s*(?!(?:the|a|an|this|that)\s)((?:\p{L}+\s+){0,2}?\p{L}+)\s+(?:(?:is|was|turned|switched)\s+)?(?:on|off|enabled|disabled)\s*$/iu;
/**
 * Where the customer is, told among the steps tried: "standing right next to the door", "sat in
 * the car". Being there is having gone there: the step is moving there ("Move closer to the car,
 * ideally next to the driver's door").
 */
const BEING_AT = new RegExp(
  String.raw`^\s*(?:(?:(?:i\s*['’]?m|i\s+am|i\s+was|been|standing|stood|sitting|sat)\s+)+(?:right\s+)?` +
    String.raw`(?:next\s+to|beside|near|close\s+to|closer\s+to|by|in|at|inside)\s+(.+)` +
    String.raw`|(?:right\s+)?(?:next\s+to|beside|near|close\s+to|closer\s+to)\s+(.+))$`,
  'iu',
);
/** Verbs of being somewhere: "standing by the door" tells where, no step (see {@link BEING_AT}). */
const STATE_VERBS = new Set(['standing', 'stood', 'sitting', 'sat', 'being']);

/**
 * The steps a message that stands on its own (a first message, or a new question) says the
 * customer tried already, each as {@link doneAlready} names a step (its verb first): "unlock
 * failed, tried turning bluetooth off and on and restarted the app, now what?" tried
 * "turning bluetooth" and "restarted app". Only what is named by a verb counts: "tried 5 times"
 * names how often, not what; "tried to log in" or "tried logging in" what went wrong, not a
 * remedy.
 *
 * @example
 * triedSteps("I've already turned bluetooth off and on, what now?"); // ['turned bluetooth']
 */
export function triedSteps(message: string): string[] {
  const text = message.slice(0, 500);
  const steps: string[] = [];
  for (const marker of text.matchAll(TRIED)) {
    const rest = text.slice((marker.index ?? 0) + marker[0].length);
    const told = rest.replace(RESTARTED_IT, ' restarted ').split(TRIED_END)[0] ?? '';
    told.split(STEP_PARTS).forEach((part, i) => {
      const step = stepOfPart(part);
      // "tried logging in and it says …": a verb alone first is what failed, not a remedy; one
      // after another step ("closed the app and reopened it") is the step it goes on with.
      // Restarting is a remedy of its own, whatever was restarted.
      if (
        step[0] === undefined ||
        !DONE_VERB.test(step[0]) ||
        (i === 0 && step.length < 2 && !RESTART.test(step[0]))
      ) {
        return;
      }
      if (!steps.includes(step.join(' '))) steps.push(step.join(' '));
    });
  }
  return steps;
}

/**
 * The words that name the step a part of a list of steps tried tells, its verb first: its own
 * words, or, for a thing told as it is ("bluetooth on") or where the customer is ("standing
 * next to the door"), the turning or moving that made it so.
 */
function stepOfPart(part: string): string[] {
  const step = ownWords(part);
  if (step[0] !== undefined && DONE_VERB.test(step[0]) && !STATE_VERBS.has(step[0])) return step;
  const at = BEING_AT.exec(part);
  if (at) {
    const place = ownWords(at[1] ?? at[2] ?? '');
    return place.length > 0 ? ['moved', ...place] : [];
  }
  const left = LEFT_SO.exec(part);
  if (left) {
    const thing = ownWords(left[1] ?? '');
    return thing.length > 0 && !DONE_VERB.test(thing[0] ?? '') ? ['turned', ...thing] : [];
  }
  return step;
}
