import { detectMoneyTakenWrongly } from './money-taken.js';
import { matchPhraseAt, phraseSet, quote } from './phrases.js';
import { quotedTerms } from './quoted.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { detectUnauthorisedCharge } from './unauthorised-charge.js';
import { words } from './word-list.js';
import { matchAnyAt, patternSet, slot } from './word-pattern.js';

/**
 * Words and phrases that only appear in a support chat when the law, a regulator or a payment
 * dispute is involved. Fraud, a hacked account and discrimination are here because they go to
 * the same people (compliance, trust and safety) and an assistant must not handle them alone.
 */
const LEGAL_PHRASES = phraseSet([
  'lawyer',
  'lawyers',
  'attorney',
  'attorneys',
  'solicitor',
  'solicitors',
  'lawsuit',
  'lawsuits',
  'litigation',
  'litigate',
  'sued',
  'suing',
  'legal action',
  'legal proceedings',
  'legal steps',
  'legal advice',
  'legal team',
  'legal department',
  'legal counsel',
  'legal options',
  'legal recourse',
  'legal route',
  'legal claim',
  'legal case',
  'legal remedies',
  'data breach',
  'data leak',
  'class action',
  'small claims',
  'data protection authority',
  'data protection officer',
  'data protection act',
  'data protection law',
  'data protection laws',
  'data protection regulation',
  'data protection rights',
  'consumer protection',
  'consumer rights',
  'trading standards',
  'better business bureau',
  'attorney general',
  'information commissioner',
  'ombudsman',
  'chargeback',
  'chargebacks',
  'charge back',
  'discrimination',
  'discriminated',
  'discriminating',
  'discriminatory',
  'racist',
  'racism',
  'sexist',
  'sexism',
  'homophobic',
  'transphobic',
  'slur',
  'harassment',
  'harassed',
  'fraud',
  'fraudulent',
  'hacked',
  'compromised',
  'identity theft',
  'illegally',
  'unlawful',
  'unlawfully',
  'breach of contract',
  'privacy violation',
  'right to erasure',
  'subject access request',
  'police',
  'report you to',
]);

const INTENT = words("will i'll we'll gonna shall might could would should can i we");
const PLANS = words('going want have need plan planning decided ready about');
const PRIVACY_LAWS = new Set(words('gdpr ccpa'));
/**
 * A privacy law is invoked ("under GDPR", "my GDPR request") unless the customer is asking
 * whether the company complies with it ("are you GDPR compliant?", "your GDPR policy"), which
 * the knowledge base answers.
 */
const COMPLIANCE_INFO = new Set(
  words(
    'compliant compliance certified certification ready policy page documentation docs statement',
  ),
);
const PAYMENTS = words(
  'charge charges payment payments transaction transactions purchase purchases',
);

/** Verbs of turning to someone with a matter: "going to my bank", "report this to my bank". */
const TURNING_TO = words(
  'go going goes went gone take taking took report reporting complain complaining escalate escalating',
);
/** What is taken to them: "take this to my bank", "report it straight to my bank". */
const TURNED = words('this it that them you the matter straight directly');
/** Verbs of reaching someone: "contact my bank", "call my card issuer". */
const CONTACTING = words('contact contacting call calling tell telling ring ringing phone phoning');
/** The company behind a card: "card issuer", "credit card company". */
const CARD_COMPANY = [
  slot(['credit', 'debit'], 0, 1),
  slot(['card']),
  slot(['issuer', 'company', 'provider']),
];

const PATTERNS = patternSet([
  // "sue" the verb, not Sue the colleague ("talk to Sue"): "I will sue", "going to sue you"
  [slot(INTENT), slot(['sue'])],
  // "I'll report you", not "where can I report a bug"
  [slot(["i'll", "we'll", 'will', 'gonna', 'shall']), slot(['report']), slot(['you', 'your'])],
  [slot(PLANS), slot(['to']), slot(['sue'])],
  [slot(['sue']), slot(['you', 'your', 'u', 'them', 'the', 'this', 'for', 'over'])],
  // a regulator one complains to, not a voltage regulator
  [
    slot(['report', 'complain', 'complaint', 'contact', 'tell', 'write', 'go', 'going']),
    slot(['to', 'with'], 0, 1),
    slot(['the', 'a', 'your'], 0, 1),
    slot(['regulator', 'regulators']),
  ],
  // "court" of law, not a tennis court ("book time in court 3"): "take you to court", "see you
  // in court", "court order"
  [
    slot(words('take taking took drag dragging bring see go going went end ending')),
    slot(words('you u them this it your us up'), 0, 2),
    slot(['to', 'in', 'into']),
    slot(['court']),
  ],
  [slot(['court']), slot(['case', 'order', 'action', 'claim', 'hearing', 'summons'])],
  // "unauthorized charges", not "401 Unauthorized"
  [slot(['unauthorized', 'unauthorised']), slot([...PAYMENTS, 'access', 'login', 'logins', 'use'])],
  // a chargeback in other words: "dispute the charge", "going to my bank"
  [
    slot(['dispute', 'disputing', 'reverse', 'reversing']),
    slot(['the', 'this', 'that', 'my'], 0, 1),
    slot(PAYMENTS),
  ],
  [slot(CONTACTING), slot(['my']), slot(['bank'])],
  [slot(CONTACTING), slot(['my']), ...CARD_COMPANY],
  // "is this even legal?"
  [
    slot(['is', 'isnt', "isn't"]),
    slot(['this', 'that', 'it']),
    slot(['even'], 0, 1),
    slot(['legal']),
  ],
  // "this is illegal", not "illegal characters in the file name"
  [
    slot(['is', "it's", 'its', "that's", 'thats', 'totally', 'completely', 'clearly']),
    slot(['illegal']),
  ],
]);

/**
 * "going to my bank", "I'll take this to my credit card company": the bank, or the company behind
 * a card, as a party one turns to with the matter; not where money goes ("and to my card?",
 * "can I get a refund to my bank account?", "will my refund go to my bank?": see
 * {@link moneyGoes}).
 */
const TURNING_TO_BANK = patternSet([
  [slot(TURNING_TO), slot(TURNED, 0, 2), slot(['to']), slot(['my']), slot(['bank'])],
  [slot(TURNING_TO), slot(TURNED, 0, 2), slot(['to']), slot(['my']), ...CARD_COMPANY],
]);

/** Money, or "it" of money, that goes somewhere: "my refund", "the money", "will it go …". */
const MONEY = new Set(
  words(
    "refund refunds money payment payments credit funds reimbursement deposit cash balance transfer it it'll",
  ),
);
/** Words between a subject and its verb: "my refund *will* go", "does the money *usually* go". */
const BETWEEN = new Set(
  words(
    'will would should could can does do did is are was were be being just then also automatically usually normally always',
  ),
);
/** What money goes into at a bank: "to my bank account", "to my bank card". */
const AT_BANK = new Set(words('account accounts card cards details'));

/**
 * Whether a bank turned to (a match of {@link TURNING_TO_BANK} from `index` to `end`) is where
 * money goes: the one going is money ("will my refund go to my bank?", "does it go to my bank
 * account?"), or what it goes to is an account or a card of the bank. A customer goes to their
 * bank; a refund goes to an account.
 */
function moneyGoes(tokens: readonly Token[], index: number, end: number): boolean {
  const clause = tokens[index]?.clause;
  const after = tokens[end];
  if (after !== undefined && after.clause === clause && AT_BANK.has(after.word)) return true;
  let before = index - 1;
  // A few words at most: "will my refund *then usually* go".
  while (
    before >= index - 3 &&
    tokens[before]?.clause === clause &&
    BETWEEN.has(tokens[before]?.word ?? '')
  ) {
    before--;
  }
  const subject = tokens[before];
  return subject !== undefined && subject.clause === clause && MONEY.has(subject.word);
}

/**
 * Finds a legal threat or a compliance matter. Negation is ignored on purpose: "I don't want
 * to involve my lawyer, but…" is a threat all the same, and a person should read it. A term in
 * quotation marks is not: "what does \"chargeback protection\" mean?" names a feature.
 */
export function detectLegal(text: string, tokens: readonly Token[]): SignalMatch | undefined {
  const quoted = quotedTerms(text, tokens);
  for (let index = 0; index < tokens.length; index += 1) {
    if (quoted[index] === true) continue;
    let end = -1;
    const length = matchPhraseAt(LEGAL_PHRASES, tokens, index);
    if (length > 0) end = index + length;
    end = Math.max(end, matchAnyAt(PATTERNS, tokens, index));
    const bank = matchAnyAt(TURNING_TO_BANK, tokens, index);
    if (bank >= 0 && !moneyGoes(tokens, index, bank)) end = Math.max(end, bank);
    if (end < 0 && invokesPrivacyLaw(tokens, index)) end = index + 1;
    if (end >= 0 && !namesOwnProfession(tokens, index)) {
      return { detail: `legal or compliance matter: "${quote(text, tokens, index, end)}"` };
    }
  }
  return detectUnauthorisedCharge(text, tokens) ?? detectMoneyTakenWrongly(text, tokens);
}

function invokesPrivacyLaw(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  const next = tokens[index + 1];
  if (token === undefined || !PRIVACY_LAWS.has(token.word)) return false;
  return next === undefined || next.clause !== token.clause || !COMPLIANCE_INFO.has(next.word);
}

const PROFESSIONS = new Set(words('lawyer attorney solicitor paralegal'));

/** "I am a lawyer and need an invoice for my firm" tells a job, it threatens nothing. */
function namesOwnProfession(tokens: readonly Token[], index: number): boolean {
  const word = tokens[index]?.word ?? '';
  const article = tokens[index - 1]?.word;
  const verb = tokens[index - 2]?.word;
  return (
    PROFESSIONS.has(word) &&
    (article === 'a' || article === 'an') &&
    (verb === 'am' || verb === "i'm" || verb === 'im' || verb === 'as')
  );
}
