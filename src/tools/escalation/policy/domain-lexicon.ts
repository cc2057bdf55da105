import { words } from './word-list.js';

/**
 * Where customer support reads a word differently from the tweets AFINN was rated on. Every
 * list is a general rule about a class of words, not a fix for one sentence.
 */

/**
 * Words that carry no feeling in a support chat: "please help", "customer care", "I'd like",
 * "what kind of plan", "free trial", "cancel my subscription", "sorry to bother you". Scoring
 * them would make an angry "please help, this is useless" look milder than it is. Urgency and
 * legal words are here too: each is its own signal and must not be counted twice (and "Sue"
 * is also a colleague's name).
 */
export const NEUTRAL_WORDS = words(`
  sue sued sues suing lawsuit lawsuits litigation fraud fraudulent
  help helping please support care want like likes liked kind free clear yes sorry
  apologise apologize apology cancel cancelled pay limited share save demand urgent
  emergency important responsible god no pretty super
`);

/**
 * Words that describe a fault rather than a feeling ("I get an error", "the parcel is
 * missing", "my phone died"). A customer reporting a bug calmly is not angry, so these weigh
 * −0.5 at most (three in one calm message stay below the "negative" line); feelings about the
 * fault ("frustrated", "useless") keep their full weight.
 */
export const FAULT_WORDS = words(`
  problem problems error errors fail fails failed failing failure crash crashed crashes
  crashing broken broke damaged damage missing miss unable wrong trouble delay delayed
  stuck mistake reject rejected declined charged lost dead die died dying kill killed bug
  bugs buggy block blocked locked slow late confused confusing worried worry concerned
`);

/**
 * Words that name a misfortune — an illness, an injury, a loss, a theft, a risk, a debt, an
 * electric shock (and the shock absorber that shares its name; "shocked" is a feeling) —
 * rather than a feeling about the service. Customers name them to say what happened or what
 * they want to know ("I have a fever and a bad cough, should I get tested?", "my card was
 * stolen, how do I block it?", "is there a penalty for cancelling early?"): AFINN rates them
 * −2 or −3, which made such questions read as anger. They weigh like {@link FAULT_WORDS};
 * the customer's feelings about them ("I'm scared", "this is a disaster") keep their weight,
 * and so does an accusation ("you stole my money"): "steal" and "stole" are not here.
 */
export const MISFORTUNE_WORDS = words(`
  sick sickness ill illness fever vomit vomiting vomited pain painful ache hurt hurts hurting
  injured injury injuries disease diseases infected infection death deaths cancer sore
  suffering suffer suffers victim victims attack attacked burglary burglar stolen theft
  hacked missed loss losing accident accidents fire leak leaked spam poison poisoned
  allergic risk risks risky danger dangerous warning debt penalty fines shock shocks
`);

/**
 * Words of anger or contempt at the service. AFINN rates several of them as mild (-2:
 * "unacceptable", "useless", "livid"); said to a support desk they are the clearest sign a
 * person wants someone to take over, so they weigh -3 at least.
 */
export const ANGER_WORDS = words(`
  furious livid fuming infuriating infuriated outraged outrageous unacceptable disgrace
  disgraceful disgusting appalling appalled atrocious pathetic useless hopeless pointless
  incompetent incompetence ridiculous absurd laughable joke nightmare scam scammed scammers
  ripoff robbery thieves disrespectful shameful rubbish garbage trash worst terrible
  horrible awful unbelievable
`);

/** Angry phrases, weighed like {@link ANGER_WORDS}. */
export const ANGER_PHRASES = [
  'fed up',
  'sick of',
  'sick and tired',
  'had enough',
  'waste of time',
  'waste of money',
  'rip off',
];

/**
 * Words that say something works or is solved: negated, they are the plainest complaint of a
 * support chat ("still not working", "it doesn't work", "nothing is fixed").
 */
export const WORKING_WORDS = words(`
  work works working worked fixed resolved solved answered helpful
`);

/**
 * Idioms whose feeling is not the sum of their words, in the spellings customers type. A
 * negation inside an idiom is part of it, so it does not flip anything.
 */
export const IDIOMS: Readonly<Record<string, number>> = {
  "don't like": -2,
  'do not like': -2,
  "can't stand": -3,
  'cannot stand': -3,
  'cant stand': -3,
  'not acceptable': -3,
  'not ok': -2,
  'not okay': -2,
  'no help': -2,
  'no help at all': -3,
  'not good enough': -3,
  'last straw': -3,
  'what the hell': -4,
  'enough is enough': -3,
};

/** Emoji a customer uses to show a feeling; AFINN has none. */
export const EMOJI: Readonly<Record<string, number>> = {
  '😡': -4,
  '🤬': -5,
  '😠': -3,
  '😤': -3,
  '👎': -2,
  '😞': -2,
  '😢': -2,
  '😭': -2,
  '🙄': -2,
  '😀': 2,
  '😃': 2,
  '😊': 2,
  '🙂': 1,
  '👍': 2,
  '🙏': 1,
  '❤️': 3,
  '❤': 3,
};
