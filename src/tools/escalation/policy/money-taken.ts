import { governingNegator } from './negation.js';
import { findPhrases, matchPhraseAt, phraseSet, quote } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';
import { matchAnyAt, patternSet, slot } from './word-pattern.js';

/** Money leaving the customer: "charged", "billed", "still taking", "payment", "came out". */
const TAKING = new Set(
  words(`
    charged charging charge charges billed billing bill bills debited debit debits taking taken
    took take paid payment payments invoiced
  `),
);
/** Money going out in other words: "another £42 has gone out", "it came out twice". */
const GOING_OUT = phraseSet(['gone out', 'went out', 'came out', 'come out', 'coming out']);

/** A cancellation that has happened: "I cancelled", "the account was closed". */
const CANCELLED = new Set(words('cancelled canceled closed terminated'));
/** A cancellation named after "after" or "since": "billed after cancelling". */
const CANCELLING = new Set(words('cancelling canceling cancellation cancelation cancel closing'));
const SINCE = new Set(words('after since'));
/** Money still taken after that: "still taking", "charged me again", "yet another". */
const CONTINUING = new Set(
  words('still again another keep keeps kept continue continued continues continuing anyway'),
);
/** A charge supposed, not reported: "will I still be charged if I cancel?" */
const SUPPOSED = new Set(words("will would if going gonna could might i'll"));

/** More taken than was due: twice, three times, or far above the usual bill. */
const TOO_MUCH = phraseSet([
  'twice',
  'double',
  'doubled',
  'duplicate',
  'triple',
  'tripled',
  'two times',
  '2 times',
  'three times',
  '3 times',
  'normally',
  'usually',
  'typically',
  'on average',
  'gone from',
  'went from',
  'gone up from',
  'went up from',
  'jumped from',
]);

/**
 * What the wrong payment did to the customer: an account overdrawn, a payment that bounced, no
 * money left for what they owe. It is what turns a billing error into a hand-over: "charged
 * twice but it was refunded already" is answered, "charged twice and my rent bounced" is not.
 */
const CONSEQUENCE = phraseSet([
  'overdrawn',
  'overdraft',
  'bounced',
  'bounce',
  'over my limit',
  "can't afford",
  'cant afford',
  'cannot afford',
  'unable to afford',
  "can't pay",
  'cant pay',
  'cannot pay',
  'unable to pay',
  'no money',
  'nothing left',
  'need that money',
  'need the money',
  'need this money',
  'need my money',
  "don't have the money",
  'dont have the money',
  'do not have the money',
  "don't have this money",
  'dont have this money',
  'do not have this money',
  'bills to pay',
  'rent to pay',
  'late fee',
  'late payment fee',
  'missed payment',
  'missed my rent',
]);

const REFUND = new Set(words('refund refunds reimbursement'));
/** A refund already given in words: "it would be refunded by the 1st". */
const REFUNDED = new Set(words('refunded reimbursed'));
/**
 * Words that make a refund one already due ("my refund", "the refund", "still no refund",
 * "promised a refund"), not one asked about ("can I still get a refund?").
 */
/** A refund promised after it is named: "refund was promised", "refund I was told is due". */
const PROMISED = new Set(
  words('promised agreed confirmed approved issued processed owed due told said'),
);
const DUE = new Set(
  words(`
    my the your our no this that promised agreed confirmed approved issued processed owed
    owe accepted
  `),
);
/** A refund still not there: it should have come and has not. */
const NOT_ARRIVED = phraseSet([
  'overdue',
  'still no',
  'still not',
  'still nothing',
  'still waiting',
  'still have nothing',
  'still not received',
  'nothing has arrived',
  'nothing has come',
  'never arrived',
  'never came',
  'never received',
  "hasn't arrived",
  'hasnt arrived',
  'has not arrived',
  "haven't received",
  'havent received',
  'have not received',
]);
/** Weeks or months gone by: "6 weeks ago", "it's been 3 weeks", "over a month". */
const LONG_UNITS = new Set(words('week weeks month months fortnight'));
const SINCE_AFTER = new Set(words('ago later'));
const ELAPSED_BEFORE = new Set(words('been over than waited waiting'));

/** What a thief takes to pay with someone else's money. */
const STOLEN_THINGS = words('card cards wallet purse');
const STOLEN = words('stolen cloned skimmed nicked');
/**
 * A card in someone else's hands: "my card has been stolen", "card details were cloned",
 * "someone stole my wallet".
 */
const CARD_STOLEN = patternSet([
  [
    slot(STOLEN_THINGS),
    slot(['details', 'number'], 0, 1),
    slot(words('has have was were been got is are'), 0, 2),
    slot(STOLEN),
  ],
  [slot(words('stole stolen cloned skimmed')), slot(['my', 'a'], 0, 1), slot(STOLEN_THINGS)],
]);
/** Someone spending with it: "someone is using it", "payments from another country". */
const SPENDING = new Set(words('using used spending spent spend'));

const DEBT_COLLECTION = phraseSet([
  'debt collector',
  'debt collectors',
  'debt collection',
  'debt collecting',
  'debt recovery',
  'collection agency',
  'collections agency',
  'sent to collections',
]);

/**
 * Finds money taken wrongly in ways a customer rarely calls a dispute: taken after a
 * cancellation ("I cancelled in March and you are still taking £35"), taken twice or far above
 * the usual bill with a consequence ("charged twice and now my rent bounced", "normally £80 and
 * now £740, I cannot pay that"), a refund weeks overdue ("promised a refund 6 weeks ago"), a
 * stolen card someone is spending with, or a debt collector. Each goes to the people who take
 * payment disputes; a question about how refunds, cancellations or charges work finds none of
 * these. Linear in the message: each reading is one pass over its words.
 */
export function detectMoneyTakenWrongly(
  text: string,
  tokens: readonly Token[],
): SignalMatch | undefined {
  const taken = takenWords(tokens);
  const found =
    debtCollection(tokens) ??
    stolenCardUsed(tokens, taken) ??
    takenAfterCancelling(tokens, taken) ??
    tooMuchWithConsequence(tokens, taken) ??
    refundOverdue(tokens);
  if (found === undefined) return undefined;
  return { detail: `${found.what}: "${quote(text, tokens, found.start, found.end)}"` };
}

interface Found {
  readonly what: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Which words report money taken: a word of {@link TAKING} or "gone out", neither denied ("not
 * charged") nor supposed earlier in its clause ("will I still be charged if …").
 */
function takenWords(tokens: readonly Token[]): boolean[] {
  const taken: boolean[] = [];
  let supposedClause = -1;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    if (SUPPOSED.has(token.word)) supposedClause = token.clause;
    taken.push(
      (TAKING.has(token.word) || matchPhraseAt(GOING_OUT, tokens, index) > 0) &&
        supposedClause !== token.clause &&
        governingNegator(tokens, index, 3) < 0,
    );
  }
  return taken;
}

function debtCollection(tokens: readonly Token[]): Found | undefined {
  const [match] = findPhrases(DEBT_COLLECTION, tokens);
  return match && { what: 'debt collection', ...match };
}

/**
 * A stolen or cloned card that is being spent with. A stolen card alone is blocked in the app
 * ("my card was stolen, how do I block it?"); money already going is fraud to stop now.
 */
function stolenCardUsed(tokens: readonly Token[], taken: readonly boolean[]): Found | undefined {
  const spent = tokens.some((token, index) => SPENDING.has(token.word) || taken[index] === true);
  if (!spent) return undefined;
  for (let index = 0; index < tokens.length; index += 1) {
    const end = matchAnyAt(CARD_STOLEN, tokens, index);
    if (end >= 0) return { what: 'a stolen card in use', start: index, end };
  }
  return undefined;
}

/** What one sentence says, gathered in one pass. */
interface SentenceFacts {
  cancelled: number;
  continuing: boolean;
  taken: number;
  tooMuch: number;
  tooMuchEnd: number;
}

function sentenceFacts(tokens: readonly Token[], taken: readonly boolean[]): SentenceFacts[] {
  const facts: SentenceFacts[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    let fact = facts[token.sentence];
    if (fact === undefined) {
      fact = { cancelled: -1, continuing: false, taken: -1, tooMuch: -1, tooMuchEnd: -1 };
      facts[token.sentence] = fact;
    }
    if (fact.cancelled < 0 && cancelledAt(tokens, index)) fact.cancelled = index;
    if (CONTINUING.has(token.word)) fact.continuing = true;
    if (fact.taken < 0 && taken[index] === true) fact.taken = index;
    const tooMuch = matchPhraseAt(TOO_MUCH, tokens, index);
    if (fact.tooMuch < 0 && tooMuch > 0) {
      fact.tooMuch = index;
      fact.tooMuchEnd = index + tooMuch;
    }
  }
  return facts;
}

/** A cancellation, and money still taken, in one sentence. */
function takenAfterCancelling(
  tokens: readonly Token[],
  taken: readonly boolean[],
): Found | undefined {
  for (const fact of sentenceFacts(tokens, taken)) {
    if (fact === undefined || fact.cancelled < 0 || fact.taken < 0 || !fact.continuing) continue;
    return {
      what: 'money taken after a cancellation',
      start: Math.min(fact.cancelled, fact.taken),
      end: Math.max(fact.cancelled, fact.taken) + 1,
    };
  }
  return undefined;
}

function cancelledAt(tokens: readonly Token[], index: number): boolean {
  const word = tokens[index]?.word ?? '';
  if (CANCELLED.has(word)) return governingNegator(tokens, index, 2) < 0;
  const before = tokens[index - 1];
  return CANCELLING.has(word) && before !== undefined && SINCE.has(before.word);
}

/** More taken than due, with money taken in its sentence, and a consequence in the message. */
function tooMuchWithConsequence(
  tokens: readonly Token[],
  taken: readonly boolean[],
): Found | undefined {
  const [consequence] = findPhrases(CONSEQUENCE, tokens);
  if (consequence === undefined) return undefined;
  for (const fact of sentenceFacts(tokens, taken)) {
    if (fact === undefined || fact.tooMuch < 0 || fact.taken < 0) continue;
    return {
      what: 'more taken than due, and it left the customer short',
      start: fact.tooMuch,
      end: fact.tooMuchEnd,
    };
  }
  return undefined;
}

/**
 * Words that say the refund was promised: the business's word broken, not a wait alone.
 */
const PROMISE = new Set(words('promised agreed confirmed approved told said owed'));

/**
 * A refund already due, and weeks gone by or a refund still not there, in the message, with the
 * business's word given for it ("you said", "promised", "agreed") or a consequence ("I need the
 * money", "bills to pay"). A refund late and nothing more ("I've been waiting two weeks for my
 * refund") is answered: what to do once the refund time has passed, sorry, and a person offered.
 */
function refundOverdue(tokens: readonly Token[]): Found | undefined {
  const due = tokens.findIndex((_, index) => refundDue(tokens, index));
  if (due < 0) return undefined;
  const promised = tokens.some((token) => PROMISE.has(token.word));
  if (!promised && findPhrases(CONSEQUENCE, tokens).length === 0) return undefined;
  const refund = { start: due, end: due + 1 };
  const [missing] = findPhrases(NOT_ARRIVED, tokens);
  if (missing !== undefined) return { what: 'a refund overdue', ...missing };
  for (let index = 0; index < tokens.length; index += 1) {
    if (!LONG_UNITS.has(tokens[index]?.word ?? '') || !elapsed(tokens, index)) continue;
    return { what: 'a refund overdue', start: refund.start, end: index + 1 };
  }
  return undefined;
}

function refundDue(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  if (token === undefined) return false;
  if (REFUNDED.has(token.word)) return true;
  if (!REFUND.has(token.word)) return false;
  const near = (offset: number, set: ReadonlySet<string>): boolean => {
    const other = tokens[index + offset];
    return other !== undefined && other.clause === token.clause && set.has(other.word);
  };
  return near(-1, DUE) || near(-2, DUE) || [1, 2, 3].some((ahead) => near(ahead, PROMISED));
}

/** "6 weeks ago", "been 3 weeks", "over a month": time gone by, not a period named. */
function elapsed(tokens: readonly Token[], index: number): boolean {
  const clause = tokens[index]?.clause;
  const after = tokens[index + 1];
  if (after !== undefined && after.clause === clause && SINCE_AFTER.has(after.word)) return true;
  for (let back = 1; back <= 3; back += 1) {
    const before = tokens[index - back];
    if (before === undefined || before.clause !== clause) return false;
    if (ELAPSED_BEFORE.has(before.word)) return true;
  }
  return false;
}
