import { stem } from '../../store/lexical/search-text.js';
import { TermMatcher } from '../../rag/search/highlight.js';
import { queryTerms, words } from '../../rag/search/query-terms.js';
import { asksStill, waitedWords } from './told-wait.js';
import { allMatches } from './all-matches.js';

/**
 * A number named as an identifier: "order 5521", "account #88120", "ticket no. 4471", "order
 * BL-77812".
 */
const IDENTIFIER_NUMBER =
  /\b(?:order|account|ticket|reference|ref|invoice|booking|reservation|parcel|package|tracking)(?:\s+(?:number|no\.?|num|id))?\s*[#:]?\s*((?:[a-z]{1,4}-?)?\d{3,})\b/gi;

/** A unit of a wait told: "days" of "10 days ago". */
const TIME_UNIT = /^(?:hour|day|week|month)s?$/;

/**
 * A number that counts a span of time: "3 days ago", "a 5 minute call", "for 2 weeks", "after
 * three weeks".
 */
const DURATION_COUNT =
  /\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]*(?:mins?|minutes?|hours?|hrs?|days?|weeks?|months?|years?)\b/g;

/**
 * A number of things the customer tells they have or did: "3" of "I placed 3 orders", "I've
 * bought 2 lamps", "we have 4 accounts".
 */
const OWN_COUNT =
  /\b(?:i|we)(?:['’]ve|\s+have|\s+had|\s+just|\s+already|\s+accidentally)*\s+(?:\w+ed|bought|got|made|had|have|sent|paid|did|took)\s+(\d{1,3})\s+\w+s\b/g;

/** A content word of the question, with the matcher that finds it in passages. */
export interface QuestionTerm {
  term: string;
  /** Its stem, which is all its `matcher` matches by ("reset" of "resetting"). */
  stem: string;
  matcher: TermMatcher;
  /**
   * A conversational word ("tell", "need", "help"): it adds to a sentence's score, but a sentence
   * that shares only such words with the question is not an answer to it.
   */
  weak: boolean;
  /** A word of the earlier question a follow-up leans on, not of the message itself. */
  fromContext: boolean;
  /**
   * What the word weighs beside the message's own words (1): less for the earlier question's
   * words and for related words the search added.
   */
  weight: number;
  /** For a related word: the stems of the question's words it was added for ("broken"). */
  standsFor?: readonly string[];
  /**
   * A word that says what kind of answer is asked for ("charge" in "do you charge VAT?"), beside
   * words that say what it is about: it weighs as any word, but it brings no sentence of another
   * page into an answer ("Original delivery charges are refunded …").
   */
  asks?: true;
  /**
   * A verb of coming in a question that asks when ("arrive" of "when do refunds arrive?"): it
   * finds the sentences that say when things arrive, but it says what is asked (a time), not
   * what about: a page on refunds that never says "arrive" answers the question. So too one
   * that tells how a thing came ("arrived" of "my parcel arrived damaged").
   */
  coming?: true;
}

/** Words of the earlier question a follow-up leans on weigh this much of their own weight. */
const CONTEXT_WEIGHT = 0.5;

// Words a question uses to ask rather than to say what it is about. The retriever keeps them as
// search terms; here they must not make "Can you tell me a joke?" match "Tell us your order number."
// "order" is here too: nearly every help-center page speaks of orders, so "Where is my order?"
// must not be answered with the first sentence that mentions one.
/**
 * A word after "how" or "what" that makes a question word of it: "how late", "how far", "what
 * time" (asks for a time, as "when" does: "Delivery times" is not what it is about).
 */
const HOW_WORD =
  /\bhow\s+(late|early|far|fast|quick|quickly|often|big|large|small|old)\b|\bwhat\s+(time)\b/gi;
/** "how long": a question word (see `questionTerms`). */
const HOW_LONG = /\bhow\s+(long)\b/gi;
/**
 * "I want to …", "we just wanna …": the customer says what they want done, not what it is about;
 * "can you check?", "could you please look into it?", "please verify": what the agent is asked to
 * do, not what the help center should tell of ("… check the statement of the card").
 */
const WANTING =
  /\b(?:i|we)\s+(?:really\s+|just\s+)?(want|wanna)\b|\b(?:(?:can|could|would|will)\s+(?:you|u|someone|somebody|anyone)\s+(?:please\s+)?|please\s+)(check|look|verify|investigate)\b/gi;

/**
 * Conversational words: how a customer asks ("tell", "need", "help", "ask"), fillers ("really",
 * "pretty", "totally", the "always" of a complaint), opinions ("think", "reckon"), words that
 * stand for anything or nothing ("stuff", "everyone", "nothing" of "still nothing"),
 * contractions written without their apostrophe ("im", "whats"); and "order", which nearly
 * every page names.
 */
const WEAK = new Set(
  `tell know want wanted need needs help question questions thing things way ways make use used
  able go see say give let find look looking work works working problem problems issue issues
  info information regarding sure yes ok okay really much many one new good great lot bit hey
  wondering wonder trying try explain show mean means happen happens long take takes taking soon
  per keeps last lasts actually basically literally currently exactly anymore even still already ever
  always constantly
  seriously honestly simply totally definitely probably maybe kinda pretty now
  getting going gonna said saying think reckon guess stuff everything everyone somebody anybody
  nothing
  im ive whats youre thats theres
  pls plz asap thx ty lol btw fyi omg yeah yep nope kindly
  ask asked asking
  order orders`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** Which time something happened: "on the first trip", "after my second wash". */
const WHICH_TIME =
  /\b(?:on|during|in|at|after|by)\s+(?:the|my|our|its|their|his|her)\s+(first|second|third|fourth|fifth|last|1st|2nd|3rd)\s+(trip|day|night|use|time|wash|outing|walk|ride|hike|weekend|week|month|go|run|climb|camp|try)\b/gi;

/**
 * How many times it has happened: "this is the second time", "it broke for the third time", "3rd
 * time it has failed". The count says how the customer feels about it, not what it is about; a
 * sentence that says "second" or "time" says it of something else ("Delivery times").
 */
const TIMES_HAPPENED =
  /\b(?:(?:the|a|my|our)\s+)?(second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|umpteenth|nth)\s+(time)\b/gi;

/**
 * Whether a word is conversational ("help", "need"), or names what nearly every page does
 * ("order").
 */
export function isWeakWord(word: string): boolean {
  return WEAK.has(word);
}

/**
 * A verb of price after its subject: "you charge", "I have to pay", "will I be charged", "does
 * it cost", "are you gonna charge" (not a noun: "this charge").
 */
const PRICE_VERB =
  /\b(?:you|u|ya|y'?all|they|we|i|it)\s+(?:(?:be|being|been|get|gets|getting|got|have|has|had|to|gonna|going|will|would|need|must|still|ever|also|always|usually|normally|actually)\s+){0,3}(charg(?:e|es|ed|ing)|pa(?:y|ys|id|ying)|cost(?:s|ing)?)\b/gi;

/**
 * A verb of something coming to the customer: in a question that asks when ("when do refunds
 * arrive?", "how long until my refund comes through?"), it asks for the time it takes.
 */
const COMING_VERB =
  /\b(arriv(?:e|es|ed|ing)|com(?:e|es|ing)|came|reach(?:es|ed|ing)?|appear(?:s|ed|ing)?|land(?:s|ed|ing)?|clear(?:s|ed|ing)?)\b/gi;

/** A verb of coming and the word right after it: "arrived damaged", "came broken". */
const CAME_HOW =
  /\b(arriv(?:e|es|ed|ing)|com(?:e|es|ing)|came)\s+(?:(?:all|completely|totally|already|badly)\s+)?(\p{L}+)/giu;

/**
 * Marks the verbs of coming ({@link COMING_VERB}) of a question that asks when, beside a word of
 * what comes ("refunds"), and one followed by a word of how the thing came ("arrived damaged":
 * {@link CAME_HOW}), as {@link QuestionTerm.coming}.
 */
function markComing(question: string, terms: readonly QuestionTerm[]): void {
  const text = question.slice(0, 4_000);
  const verbs = new Set(
    [...(asksTime(question) ? allMatches(text, COMING_VERB) : [])].map((m) =>
      stem((m[1] as string).toLowerCase()),
    ),
  );
  // "my parcel arrived damaged", "it came broken": the verb tells how the thing came, what the
  // word after it says; the question is about the thing and that, not about arriving.
  let strong: Set<string> | undefined;
  for (const m of allMatches(text, CAME_HOW)) {
    strong ??= new Set(terms.flatMap((t) => (t.weak ? [] : [stem(t.term)])));
    if (strong.has(stem((m[2] as string).toLowerCase())))
      verbs.add(stem((m[1] as string).toLowerCase()));
  }
  if (verbs.size === 0 || !terms.some((t) => !t.weak && !verbs.has(stem(t.term)))) return;
  for (const t of terms) if (!t.weak && verbs.has(stem(t.term))) t.coming = true;
}

/**
 * The content words of a question, one per stem ("reset" and "resetting" count once), matched
 * the way the index matches them (by stem, see `TermMatcher`); then those of `context`, the
 * earlier question a follow-up leans on, that the question does not already have; then the
 * `related` words the search added for words of the question, and the weights it gave words of
 * the question itself (see `SearchResult.related`).
 */
export function questionTerms(
  question: string,
  context = '',
  related: ReadonlyArray<{ to: string; weight: number; from?: string }> = [],
): QuestionTerm[] {
  // "How late", "how early", "how far" ask for a time or an amount: the word names nothing,
  // unless the message also says it elsewhere ("paid early … how early?").
  const howWords = new Set<string>();
  const text = `${question} ${context}`.slice(0, 4_000).toLowerCase();
  for (const m of allMatches(text, HOW_WORD)) {
    const word = (m[1] ?? m[2]) as string;
    if (text.split(new RegExp(`\\b${word}\\b`)).length === 2) howWords.add(word);
  }
  const seen = new Set<string>();
  // "I want to return a pair of shoes" asks how to return them: "want" is no word to look for
  // ("… the size or color you want" is not how), nor "check" of "can you check?", unless the
  // message says it again.
  for (const m of allMatches(text, WANTING)) {
    const word = (m[1] ?? (m[2] as string)).toLowerCase();
    if (text.split(new RegExp(`\\b${word}\\b`)).length === 2) seen.add(stem(word));
  }
  // "long" of "how long" asks for a time and names nothing: as a word it finds "as long as"
  // ("You can return most items within 60 days …, as long as they are unused" for "how long
  // until I get my money back"), unless the message says it again ("how long is the long tent?").
  for (const m of allMatches(text, HOW_LONG)) {
    if (text.split(/\blong\b/).length === 2) seen.add(stem(m[1] as string));
  }
  // Each word of it: "bl" and "77812" of "BL-77812".
  const identifiers = new Set(
    [...allMatches(text, IDENTIFIER_NUMBER)].flatMap((m) => words(m[1] as string)),
  );
  // "10" of "10 days after the fibre started": a count of the customer's own time, which a
  // sentence that holds the number says of something else ("5 to 10 working days").
  // A count in words is no word to look for at all: "three" of "after three weeks" finds
  // "Slotwise offers three plans".
  const countsInWords = new Set<string>();
  for (const m of allMatches(text, DURATION_COUNT)) {
    const count = m[1] as string;
    if (/^\d/.test(count)) identifiers.add(count);
    else if (text.split(new RegExp(`\\b${count}\\b`)).length === 2) {
      seen.add(stem(count));
      countsInWords.add(stem(count));
    }
  }
  // "3" of "I placed 3 orders, how do I cancel one?": how many the customer has, which says why
  // they ask, not what; a sentence that holds the number says it of something else ("within 3
  // days of being charged").
  for (const m of allMatches(text, OWN_COUNT)) identifiers.add(m[1] as string);
  // So too the other words of a wait the customer tells ("days", "ago" of "ordered 10 days
  // ago"): no page says "ago", and a question about a late order is not about it. Asked whether
  // it still may be done ("food came an hour ago, can I still add a tip?"), the time told is
  // what the answer turns on: its unit finds the time allowed ("for up to 2 hours").
  // "on the first trip", "after the second wash": when it happened, not what it is about; a
  // sentence that says "first" says it of something else ("the first scan").
  for (const m of allMatches(text, WHICH_TIME)) {
    identifiers.add(m[1] as string);
    identifiers.add(m[2] as string);
  }
  for (const m of allMatches(text, TIMES_HAPPENED)) {
    identifiers.add(m[1] as string);
    identifiers.add(m[2] as string);
  }
  const still = asksStill(question);
  for (const w of waitedWords(text)) if (!(still && TIME_UNIT.test(w))) identifiers.add(w);
  const out: QuestionTerm[] = [];
  const add = (
    text: string,
    fromContext: boolean,
    weight: number,
    strong: boolean,
    standsFor?: readonly string[],
    told = false,
  ) => {
    for (const term of queryTerms(text).contentTerms) {
      const s = stem(term);
      if (s === '' || seen.has(s)) continue;
      seen.add(s);
      // The number of an order, an account or a ticket names one thing: no help-center page
      // speaks of it, and the question is about what is asked of it ("cancel my order 5521").
      const weak =
        told || (!strong && (WEAK.has(term) || howWords.has(term) || identifiers.has(term)));
      out.push({
        term,
        stem: s,
        matcher: new TermMatcher([term]),
        weak,
        fromContext,
        weight,
        ...(standsFor ? { standsFor } : {}),
      });
    }
  };
  add(question, false, 1, false);
  // "Do you charge VAT?", "do I have to pay import tax?", "will I be charged for it?": the verb
  // of price says what is asked (whether it costs), beside what the question is about, its
  // other words. It weighs as any word, since the answer often says it ("We never charge a
  // fee …"), but another page's sentence that adds only it ("Original delivery charges are
  // refunded …") is padding. A noun of price is what it is about ("is there a sign-up fee?").
  const priceVerbs = new Set(
    [...allMatches(question.slice(0, 4_000), PRICE_VERB)].map((m) =>
      stem((m[1] as string).toLowerCase()),
    ),
  );
  if (priceVerbs.size > 0 && out.some((t) => !t.weak && !priceVerbs.has(stem(t.term)))) {
    for (const t of out) if (!t.weak && priceVerbs.has(stem(t.term))) t.asks = true;
  }
  markComing(question, out);
  // The words of the question a follow-up leans on, after the message's own (see `context`).
  if (context !== '') add(context, true, CONTEXT_WEIGHT, false);
  // A related word says what the customer meant by theirs: it is never a weak one. A word of
  // the question itself that the search weighed down is part of a phrase that means something
  // else ("send" in "send it back"): a weak word, which weighs as little, and which alone makes
  // no sentence an answer.
  // A related word found only for words of the earlier question is of that question too.
  const asked = new Set(words(question).map((w) => stem(w)));
  const told = new Set([...countsInWords, ...[...identifiers].map((w) => stem(w))]);
  for (const { to, weight, from } of related.slice(0, 16)) {
    if (typeof to !== 'string' || !Number.isFinite(weight) || weight <= 0) continue;
    const own = out.find((t) => !t.fromContext && stem(t.term) === stem(to));
    if (own) own.weak = own.weak || weight < 1;
    else {
      const standsFor = typeof from === 'string' ? words(from).map((w) => stem(w)) : [];
      const ofContext =
        context !== '' && standsFor.length > 0 && !standsFor.some((s) => asked.has(s));
      // Another way to write a count or a number the customer told ("ten" the search added for
      // the "10" of "10 days ago", "3" for the "three" of "after three weeks") is no more a word
      // to look for than the count itself: "Slotwise offers three plans" does not answer it.
      const ofTold = standsFor.length > 0 && standsFor.every((s) => told.has(s));
      add(to, ofContext, ofContext ? weight * CONTEXT_WEIGHT : weight, true, standsFor, ofTold);
    }
  }
  return out;
}

// "How long …", "when will …", "how much …", "can I use two codes?", "is there a limit", "what's
// the interest rate": the answer is a quantity, a time or a price ("Only one code can be used",
// "4.10% APY"). "When" asks only before a verb ("when does it ship?"), not as a clause ("can I
// keep it when I move?"); "until" only as "until when", not ending a span told of ("am I stuck
// paying until my contract ends?").
const ASKS_QUANTITY =
  /\b(?:how\s+(?:long|many|much|soon|fast|quickly|often|late|early)|what\s+time|until\s+when|rate|rates|cost|costs|price|prices|fee|fees|charge|charges|two|three|four|five|multiple|several|more\s+than\s+one|twice|limit|limits|maximum|max|minimum)\b|\bwhen(?:['’]s|\s+(?:will|would|does|do|did|is|are|was|were|can|could|should|must|might|may|shall))\b|\bwhen\s*\?/i;

/** Whether the question asks for a quantity, a time or a price. */
export function asksQuantity(question: string): boolean {
  const head = question.slice(0, 2000);
  return ASKS_QUANTITY.test(head) && !asksWho(head);
}

/**
 * "Who pays the customs fees?", "who covers return shipping?": asked who, the answer names who
 * does it ("The carrier collects them from you on delivery"), not an amount; the words of price
 * say what is paid. Not when it asks how much or when as well ("who do I pay and how much?").
 */
const ASKS_WHO = /^[^\p{L}]*(?:(?:and|so|but|then|ok|okay|hi|hey|hello|also)[^\p{L}]+)*who\b/iu;
const ASKS_AMOUNT_TOO = /\bhow\s+(?:long|many|much|soon)\b|\bwhen\b|\bwhat\s+time\b/i;

function asksWho(question: string): boolean {
  return ASKS_WHO.test(question) && !ASKS_AMOUNT_TOO.test(question);
}

// "How long …", "how soon …", "when …", "what time …": the answer is a time or a duration.
const ASKS_TIME =
  /\b(?:how\s+(?:long|soon|fast|quickly|late|early)|how\s+much\s+(?:notice|time|longer|warning)|how\s+many\s+(?:minutes|hours|days|weeks|months|years)|what\s+time|until\s+when|what\s+(?:day|days|hours))\b|\bwhen(?:['’]s|\s+(?:will|would|does|do|did|is|are|was|were|can|could|should|must|might|may|shall))\b|\bwhen\s*\?/i;

// "How much is …", "what does it cost", "is there a fee", "do I have to pay": the answer is a
// price ("$0.39 a kilometre", "free").
const ASKS_PRICE =
  /\bhow\s+much\s+(?:is|are|was|does|do|did|for|will|would|to|am|it)\b|\b(?:cost|costs|costing|price|prices|priced|fee|fees|charge|charges|charged|pay|paying|expensive|cheap|cheaper)\b/i;

/** Whether the question asks for a price (a narrower {@link asksQuantity}). */
export function asksPrice(question: string): boolean {
  const head = question.slice(0, 2000);
  return ASKS_PRICE.test(head) && !asksWho(head);
}

// "What's your phone number?", "the support number", "how can I call you?": the company's
// number, not "my phone number".
const ASKS_PHONE_NUMBER =
  /\b(?:your|the|a|an|any)\s+(?:(?:tele)?phone|contact|support|customer\s+(?:service|support|care)|service|help)\s*(?:number|line)\b|\bhelpline\b|\bhow\s+(?:can|do|could)\s+i\s+(?:call|phone|ring)\b|\bnumber\s+(?:to|i\s+can|do\s+i)\s+(?:call|ring|phone)\b|\b(?:call|phone|ring)\s+you\b/i;

// "change the phone number on my account": the customer's own.
const OWN_NUMBER =
  /\b(?:my|change|changed|update|edit|add|remove|verify|enter|new|old)\b(?:\s+\S+){0,2}\s+(?:phone|contact|mobile)\s+number\b|\bnumber\s+(?:on|for|of|in|linked\s+to)\s+my\b/i;

/**
 * Whether the question asks for the help center's phone number. Asked when to call ("when can
 * I call you?"), it asks for the hours someone answers (see {@link asksSchedule}), not for the
 * number.
 */
export function asksPhoneNumber(question: string): boolean {
  const text = question.slice(0, 2000);
  return ASKS_PHONE_NUMBER.test(text) && !OWN_NUMBER.test(text) && !asksSchedule(text);
}

// "What are your opening hours?", "when is customer service open?", "what time do you close on
// Saturdays?", "are you open on Sundays?": the answer is a timetable (days and times of day), not
// a duration ("the link is valid for 24 hours") nor anything else that opens ("open the link").
const ASKS_SCHEDULE =
  /\b(?:opening|closing|business|office|trading|support|service|store|shop|phone|helpline|reception|desk|counter)\s+(?:hours|times)\b|\bhours\s+of\s+(?:business|operation|service)\b|\bwhat\s+(?:are\s+)?(?:your|the)\s+hours\b|\bwhat\s+hours\b|\b(?:when|what\s+time|what\s+days?)\s+(?:can|could|should|do)\s+(?:i|we)\s+(?:call|phone|ring|reach|contact|speak\s+to|talk\s+to)\s+(?:you|someone|somebody|support|customer)\b|\b(?:when|what\s+time|what\s+days?)\s+(?:are|is|do|does)\s+[\p{L}\s]{1,30}?\s+(?:open|close|closed|available)\b|\b(?:are|is)\s+(?:you|they|it|(?:the|your)\s+[\p{L}\s]{1,30}?)\s+(?:open|closed)\s+(?:on|at|in|during|over|this|today|tomorrow|tonight|every)\b/iu;

/**
 * A word each way of {@link ASKS_SCHEDULE} needs ("hours", "times", "open", "close",
 * "available", "call" …), found with its flags: a question without one is not read with the lazy
 * stretches of that pattern, which take microseconds.
 */
const SCHEDULE_WORD = /hours|times|open|close|available|call|phone|ring|reach|contact|speak|talk/iu;

/**
 * Whether the question asks when something is open or can be reached: its answer names days and
 * times of day (see `statesSchedule`).
 */
export function asksSchedule(question: string): boolean {
  const text = question.slice(0, 2000);
  return SCHEDULE_WORD.test(text) && ASKS_SCHEDULE.test(text);
}

// "How often do I send readings?", "how frequently are payments made?", "how many times a year
// …": the answer says how often ("every month", "once a year"), not how long something takes.
const ASKS_FREQUENCY =
  /\bhow\s+(?:often|frequently|regularly)\b|\bhow\s+many\s+times\s+(?:a|an|per|each|every)\b/i;

/** Whether the question asks how often something happens (a narrower {@link asksQuantity}). */
export function asksFrequency(question: string): boolean {
  return ASKS_FREQUENCY.test(question.slice(0, 2000));
}

/** Whether the question asks for a time or a duration (a narrower {@link asksQuantity}). */
export function asksTime(question: string): boolean {
  return ASKS_TIME.test(question.slice(0, 2000));
}

// "Do you price match?", "can I return it?", "is there a fee?": answered yes or no.
const ASKS_YES_NO =
  /^\s*(?:do|does|can|could|is|are|will|would)\s+(?:you|u|y'?all|i|we|it|they|there)\b/i;

/** Whether the question asks to be answered yes or no (it opens so: "do you …", "can I …"). */
export function asksYesNo(question: string): boolean {
  return ASKS_YES_NO.test(question.slice(0, 200));
}

// "How do I …", "where can I …", "I want to …", "delete my account": a way to do something.
const ASKS_HOW_TO =
  /\bhow\s+(?:do|can|could|should|would|to)\b|\bwhere\s+(?:do|can|could)\s+(?:i|we)\b|\b(?:i|we)\s+(?:want|need|would\s+like|['’]d\s+like)\s+to\b|^\s*(?:please\s+)?(?:delete|cancel|change|update|reset|remove|add|turn|set\s+up|download|export|close|stop|make|create|connect|invite)\b/i;

/** Whether the message asks how to do something, or asks for it to be done. */
export function asksHowTo(question: string): boolean {
  return ASKS_HOW_TO.test(question.slice(0, 2000));
}

// "It doesn't work", "I never got the e-mail", "the code is wrong": a problem, not a question. A
// negation without its apostrophe may come whole ("hasnt") or as the part of it the index keeps
// ("hasn").
const REPORTS_TROUBLE =
  /\b\w+n['’]t\b|\b(?:didnt|doesnt|dont|hasnt|havent|hadnt|isnt|arent|wasnt|werent|cant|couldnt|wont|wouldnt|didn|doesn|hasn|haven|hadn|wasn|weren|couldn|wouldn|not|never|no\s+longer|cannot|nothing|error|errors|fail|fails|failed|failing|stuck|broken|missing|lost|wrong|problem|problems|trouble|slow|terrible|awful|dropping|bounced|still\s+no|(?:is|was|been|went|goes|keeps\s+going)\s+down|declined|rejected|refused|denied|locked|blocked|suspended|stopped|crashed|crashes|bug)\b/i;

/**
 * Whether the message tells of something that went wrong ("my tracking number doesn't show
 * anything"): help centers answer that with what to do about it ("If …", "check …", "can take
 * up to …").
 */
export function reportsTrouble(question: string): boolean {
  return REPORTS_TROUBLE.test(question.slice(0, 2000));
}

/**
 * Openings that continue the previous question: "and for children?", "what about cats?". Those
 * that `ask` put a question of their own ("what if it's late?", "what else …").
 */
const CONTINUATIONS: ReadonlyArray<{ words: readonly string[]; asks: boolean }> = [
  { words: ['and'], asks: false },
  { words: ['also'], asks: false },
  { words: ['plus'], asks: false },
  { words: ['or'], asks: false },
  { words: ['what', 'about'], asks: false },
  { words: ['how', 'about'], asks: false },
  { words: ['same', 'for'], asks: false },
  { words: ['same', 'with'], asks: false },
  { words: ['what', 'if'], asks: true },
  { words: ['what', 'else'], asks: true },
];

/** The continuation a message's words open with (see {@link CONTINUATIONS}), if any. */
export function continuationOf(
  said: readonly string[],
): { words: readonly string[]; asks: boolean } | undefined {
  return CONTINUATIONS.find((opening) => opening.words.every((word, i) => said[i] === word));
}

const ASKING = new Set(
  'how what when where why who which whose do does did is are was were can could will would should may might must have has'.split(
    ' ',
  ),
);

/**
 * Whether a message asks in words of its own ("and do I get the shipping back?") rather than
 * only naming what an earlier question should now be asked about ("and to Canada?", "what about
 * express?"). Only the latter takes over what the earlier question asked for (a time, a price).
 */
export function asksItself(question: string): boolean {
  const said = words(question.slice(0, 2000));
  const opening = continuationOf(said);
  if (opening?.asks) return true;
  return said.slice(opening?.words.length ?? 0).some((word) => ASKING.has(word));
}
