/**
 * Answer quality on small help centers, each in test/fixtures (a store, a scheduling app, a
 * bank, an internet provider, a food delivery app, a car-sharing service, a chain of fitness
 * clubs): customers' questions
 * as customers write them — their own words for what the pages call otherwise ("broken" for
 * "damaged", "money back" for "refund"), follow-ups, prices and times — each with a phrase its
 * answer must contain, and off-topic questions that must get the honest "not found". The
 * extractive responder answers, through the whole turn.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';

/** A question and a phrase its answer must contain; `null`: the help center does not say. */
type Case = [question: string, expected: string | null];

const CASES: Case[] = [
  // Shipping
  ['how long does shipping take?', '3 to 5 business days'],
  ['How long will delivery take?', '3 to 5 business days'],
  ['how much is express shipping?', '$14.99'],
  ["what's the cost of express delivery", '$14.99'],
  ['do you ship to Canada?', 'We ship to Canada'],
  ['do you deliver to the UK?', 'We ship to Canada, the UK'],
  ['who pays customs fees?', 'paid by the recipient'],
  ['do I have to pay import tax?', 'paid by the recipient'],
  ['where is my order?', 'tracking number'],
  ['how can I track my package?', 'tracking number'],
  ["my tracking number doesn't show anything", 'up to 24 hours'],
  ["my package hasn't arrived yet", 'tracking number'],
  ["I ordered a blender last week and it still hasn't arrived", 'tracking number'],
  ['is shipping free?', 'Orders over $50 ship free'],
  ["what's the minimum order for free delivery?", 'over $50'],
  ['if I order in the morning will it ship today?', 'ship the same day'],
  // Returns
  ['can I return an item?', 'within 30 days'],
  ['can I return this jacket', 'within 30 days'],
  ['how many days do I have to send something back?', '30 days'],
  ['when will I get my money back?', 'within 5 business days'],
  ['how long does a refund take?', 'within 5 business days'],
  ['my package arrived broken, what do I do?', 'with a photo'],
  ['I got the wrong item', 'with a photo'],
  ['the blender I got is defective', 'with a photo'],
  ['can I exchange it for a different size?', 'do not offer direct exchanges'],
  ['can I swap it for a bigger size?', 'place a new order'],
  ['can I return a gift card?', 'cannot be returned'],
  ['do I have to pay for return shipping?', 'Return shipping is free'],
  ['how do I send an item back?', 'Return items'],
  ['I want to return a pair of shoes', 'click Return items'],
  // Account
  ['I forgot my password', 'Forgot password'],
  ['my password reset link expired', 'valid for 1 hour'],
  ['the password reset email never came', 'spam folder'],
  ['how do I change my email?', 'Settings, then Profile'],
  ['how do I update my e-mail address', 'Settings, then Profile'],
  ['how do I turn on 2FA?', 'Settings, then Security'],
  ["I lost my phone and can't log in", 'backup codes'],
  ['how do i delete my account', 'Delete account'],
  ['how do I close my account?', 'Delete account'],
  ['can I undo deleting my account?', '14 days'],
  // Billing
  ['can I pay with paypal?', 'PayPal'],
  ['do you take cash on delivery?', 'do not accept cash'],
  ['I was charged twice', 'authorization hold'],
  ["there's a double charge on my card", 'authorization hold'],
  ['where can I download my invoice?', 'download an invoice'],
  ['can I use two promo codes?', 'Only one code'],
  ['can I add a coupon after ordering?', 'cannot be applied to orders already placed'],
  // Plus
  ['what does plus cost?', '$49 a year'],
  ['what do I get with plus membership?', 'free express shipping'],
  ['how do I cancel my membership?', 'Settings, then Membership'],
  ['can I get a refund for plus?', 'refund the fee'],
  // Orders
  ['how do I cancel my order?', 'within 1 hour'],
  ['I want to change my delivery address', 'Edit address'],
  ["I didn't get a confirmation email", 'spam folder'],
  // Off topic
  ["what's the weather like tomorrow?", null],
  ['can you recommend a good restaurant?', null],
  ['who won the football game last night?', null],
];

/** Questions of a JSON file: `[{ "q": "…", "expect": "…" | null }]`. */
function casesFrom(file: string): Case[] {
  const rows = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as Array<{
    q: string;
    expect: string | null;
  }>;
  return rows.map(({ q, expect: expected }) => [q, expected]);
}

/**
 * At most this many answers of the store's help center may miss. All 53 were right until a stop
 * word's title idf was weighed by the share of titles that ask (then "do I have to pay for return
 * shipping?", which "to" in the heading "How to start a return" had carried, missed; asked for
 * a price, the sentence that states one, "Return shipping is free", counts more: all 53 again).
 * "I want to return a pair of shoes" was answered with the sentence on exchanges until the
 * passages of an article that hold a word of the question were kept first: all 54.
 */
const ALLOWED_MISSES = 3;

/**
 * A second help center, of a scheduling app, with 60 questions (6 it does not answer), written
 * apart from this code by someone who had not read it. Before the synonyms, problem reports and
 * three passages a document, 27 were answered right; then the vocabulary grew from reading its
 * misses, so it is no longer unseen: it guards what was won (37 of 60; a stop word in a
 * title that asks nothing weighs less: 40; a question word is judged as rare as it is among
 * the titles that ask: 41; the sentence after the answer comes along: 43; "late" in "how
 * late" names nothing: 44; asked for a price, a sentence that states one counts more: 45; asked
 * whether something is had that no passage mentions ("do you have an API?"), not found: 46;
 * "can you recommend …" asks the same: 47; asked for the phone number, only a sentence that gives
 * one answers: 48, 49 by the changes after it; a sentence of the best page that says a word of
 * the question is quoted though another page said the word too ("SMS reminders are available on
 * Business plans only"): 50; to download bookings is to export them: 51 now).
 */
const SAAS_CASES = casesFrom('./fixtures/help-center-saas.questions.json');
const SAAS_ALLOWED_MISSES = 9;

/**
 * A third, of a banking app, with 50 questions (5 it does not answer), written the same way.
 * Measured unseen: 17 right before this work, 20 after; its misses were then read, and a few
 * general words and apostrophe-less negations ("hasnt") added: 23; not answering on one common
 * word a question about something no passage mentions: 26; how-to answers: 27;
 * a little banking vocabulary: 29; reading "restaurant" no longer as a negation, and "declined"
 * as a problem: 27; a time weighs more in answer to "how long": 29; stop words in titles
 * that ask nothing weigh less: 31; the sentence after the answer comes along: 34; a stop
 * word's title idf weighed by the share of titles that ask: 35; asked for a price, a sentence
 * that states one counts more: 36; "hasnt" read as a negation also as the search respells it
 * ("hasn"), and words that only talk ("getting", "whats") weak: 38; a card switched off is
 * a frozen one, an interest rate an APY: 40; a page's "-ing" words found by their stem less
 * its final e ("placing", "driving"), and a heading's related words counted once: 41; a span
 * of time told within the time a sentence allows answered with that sentence: 42 now.
 */
const BANK_CASES = casesFrom('./fixtures/help-center-bank.questions.json');
const BANK_ALLOWED_MISSES = 8;

/**
 * A fourth, of a home internet and mobile provider, with 50 questions (5 it does not answer),
 * written the same way, and measured unseen: 17 right (2 of the 5 it does not answer got the
 * honest "not found"; 8 it does answer got it too). Its misses read, a word shared by the
 * sections of one article no longer counts as common: 19; "when" asks for a time only before a
 * verb ("when does …", not "… when I move"): 22; a few general words (wifi, telly, "been
 * down", "changed my mind", "still no …" as a problem): 24; "how much notice" asks for a time:
 * 25; money that "comes out" is a payment taken: 26; asked whether something is had that no
 * passage mentions ("can I get netflix on the box?"), not found: 28, 29 by the changes after
 * it; the count of a span of the customer's own time weak ("10" of "10 days after"), and a word
 * no passage has in a clause that says when ("after I sign up") no reason to find nothing: 31;
 * a wifi code is its password: 32; an amount asked for leading where it is shown, rooms and
 * floors as coverage, and a visit that never came: 33; a span of time told ("for 2 weeks")
 * within the time a sentence allows answered with that sentence: 34. Then read again
 * (test/qa-isp-2.test.ts): a router named by its make (Asus, Netgear) is a router, data that "ran
 * out" runs out, "on holiday" is away from home, and "no broadband" a connection that is not
 * working: 38; a city named for its country ("new york": the USA), a phone used "over there"
 * roaming, a "little hole" the pinhole reset, and a pin pressed with no PIN: 40 now.
 */
const ISP_CASES = casesFrom('./fixtures/help-center-isp.questions.json');
const ISP_ALLOWED_MISSES = 10;

/**
 * A fifth, of a food delivery app, with 50 questions (5 it does not answer), written the same
 * way, and measured unseen: 16 right, as with the code of before the fourth's misses were read
 * (those changes neither won nor lost an answer here); 11 it does answer got "not found".
 * Its misses read: drivers are couriers, beer is alcohol: 17; stop words in titles that ask
 * nothing weigh less: 18; a question word judged as rare as among the titles that ask: 17;
 * "how much is" searched as a price too: 18; asked for a price, a sentence that states one counts
 * more: 19; asked whether something is had that no passage mentions ("do yall deliver pet
 * food?"), not found: 20; general English variants and phrasings (college kids are
 * students, to text a driver is to message them, a smaller tip a lower one, where it gets
 * delivered its address, paying for their own a split bill, ordering together a group order):
 * 26 (21 before them, one more than counted above); what is done to the thing asked for ("beer
 * brought over") no part of it, and a time of day ("at midnight") searched as the hours: 27;
 * one thing got instead of another a wrong item, a buddy a friend, and a charge a fee (a word
 * of a phrase the synonyms know, as "house" of "the wrong house", is no longer corrected to
 * another, and rain or snow is weather; neither won an answer here): 30; a thing that "never
 * showed up" is missed, as a person who did not turn up is a no-show: 31. Then read again
 * (test/qa-food.test.ts): food "basically ice" or lukewarm is cold, compensation a refund or a
 * credit, to "say something" or complain is to report, "another brand" a substitution, and
 * "everything costs more" asks about a fee, not for a price: 35; coworkers who "join in" a group
 * order, "next tuesday" an order scheduled in advance, and "can I set that up today?" asking to do
 * it to what was said, not to "today": 37 now.
 */
const FOOD_CASES = casesFrom('./fixtures/help-center-food.questions.json');
const FOOD_ALLOWED_MISSES = 13;

/**
 * A sixth, of a car-sharing service, with 60 questions (6 it does not answer) over 18 articles,
 * written the same way, and measured unseen: 18 right with the code of before, 19 with stop
 * words in titles that ask nothing weighing less (measured side by side). Then read: in its
 * three question titles, "what", "do" and "I" were rarer than any word of a question about
 * plans or prepaid cards, and such questions got "not found"; a question word's idf in a title
 * is now at most its idf among the titles that ask: 21; the sentence after the answer comes
 * along (the answer to "I paid for fuel myself, how do I get it back?" is the sentence after
 * "keep the receipt"): 25; a stop word's title idf weighed by the share of titles that ask: 26;
 * "ahead" and "in advance" said for each other: 27; a "carseat" is a child seat: 28; asked for
 * a price, a sentence that states one counts more, and "how much is" searches "charge": 30;
 * asked whether something is had that no passage mentions ("do the cars have apple carplay"),
 * not found: 33; "do any of the cars have …" asks the same: 34; "carry over" is "roll over":
 * 35. Then its misses read (test/qa-carshare.test.ts): an age told ("im 20, turning 21")
 * searches the words a page states an age in, and a month's name is no misspelling; a few true
 * synonyms (zero bars: no signal; an area: a zone; never picked up: a no-show; reeks: smells;
 * cigarettes: smoking; sunglasses: an item; fighting a ticket: contesting it; a guide dog: a
 * service animal; a bill: an invoice; the vet: a pet; "while I'm gone": a pause): 46; a span of
 * time told within the time a sentence allows answered with that sentence: 47; a city abroad
 * named for its country ("road trip from vancouver to seattle"): 48; among the steps tried, a
 * thing told as it is ("bluetooth on") is turning it so and where the customer stands ("right
 * next to the door") moving there, and the steps tried are left out together, the step after
 * the furthest answering first: 49 now.
 */
const CARSHARE_CASES = casesFrom('./fixtures/help-center-carshare.questions.json');
const CARSHARE_ALLOWED_MISSES = 11;

/**
 * A seventh, of a chain of fitness clubs, with 60 questions (6 it does not answer) over 18
 * articles, written the same way, and measured unseen, side by side: 14 right with the code of
 * before the sixth was written, 19 with the two title rules, 19 with the sentence after the
 * answer coming along too (the same 41 missed). Then read: "can i cancel over the phone" was
 * answered from the one article whose title asks ("Can I bring a friend?"), since "can" and "i"
 * are rare in titles where one title in ten asks; a stop word's title idf is now weighed by the
 * share of titles that ask (an FAQ, where all do, is as before): 21; the steps of a numbered
 * list quoted together (a guest's rules were quoted half before): 22; "ahead" and "in advance"
 * said for each other: 23; a payment that "bounced" is a failed one: 24; asked for a price, a
 * sentence that states one counts more: 25; asked whether something is had that no passage
 * mentions ("is there parking at the clubs"), not found: 28; a membership put on hold or paused
 * is a frozen one, "carry over" is "roll over", and a new wristband a replacement: 32; asked
 * how long, the time the passage states comes along though it says no word of the question
 * ("how long should i sit in the sauna"): 33; "the wifi password", where no passage says
 * "wifi", is not answered with the app's password: 34; "the front desk" is reception and
 * "weekdays" Monday to Friday ("evenings" no longer "even"): 35; "my stuff" is not corrected to
 * "staff": 36; to train barefoot is in bare feet, a discount through work a corporate one, and to
 * book and not turn up a no-show: 39; "my son is 14" tells an age, "overnight" is at night, and
 * "someone else" a different one: 42; a mate to "come with me" a guest, and a gym "near my office"
 * another club: 44; "i left my job" is leaving an employer, and moving to a country by name is
 * moving abroad: 46. The gym "near my office" line was taken out again, as this help center's own
 * word ("club") rather than a customer's synonym: 45 now.
 */
const GYM_CASES = casesFrom('./fixtures/help-center-gym.questions.json');
const GYM_ALLOWED_MISSES = 15;

/**
 * An eighth, of a household gas and electricity supplier, with 60 questions (6 it does not
 * answer) over 18 articles, written the same way after the rule above, and measured unseen, side
 * by side: 18 right with the code of before that rule, 22 with it (two expected answers ended with
 * a full stop, where a reply puts its citation before it: they end without one). Then read: a
 * payment that "bounced" is a failed one: 23; money that "comes out" is a payment taken, and a
 * "dd" a Direct Debit: 24; asked whether something is had that no passage mentions ("do you
 * do boiler cover?"), not found: 26; "havent" read as a negation also as the search respells
 * it, words that only talk weak, and asked when, the sentence that states the time first: 29;
 * what to do under a heading that names a problem in none of the question's words counts as
 * what to do about that one, not the customer's ("Wait 30 minutes, then try again" under
 * "Locked out after too many attempts" no longer outranks "your account is locked for 30
 * minutes" for "tried my password too many times and now it wont let me in"): 30; to back out
 * of a contract is to cancel it: 31; "are you going to cut me off?" was read as an injury ("cut
 * me") and told that someone was hurt, with an urgent ticket: "cut me off" and "cut us short"
 * are no wound, and to cut off a supply is to disconnect it: 32; asked "who do i ring", to
 * ring is to call: 33; "I've gone over to octopus" is leaving: 34; a small number is searched
 * in words as in digits ("2 lines of numbers" finds "two rows of numbers"), but not one that
 * counts a span of time told ("after 3 weeks"): 35. Then true synonyms of customers' words
 * (test/qa-energy.test.ts): "getting nowhere" is a complaint to take further, bills "in the
 * post" paper bills, a meter "running fast" one to test, "lost my job" job loss and "cant
 * afford" struggling to pay, a deal that "finishes" one that ends, a meter "nearly empty" credit
 * running low and to borrow to take credit, "without electric" a power cut and "do we get
 * anything" compensation, "the numbers off the meter" readings, and "put the new meter in" an
 * installation: 44. Real words no longer spelling-corrected (src/rag/search/english-words.ts) lost
 * one, "how often am i meant to give you the numbers off the meter", which "meant" corrected to
 * "means" had tipped, by a margin, to the passage on sending readings: 43. Then "once it gets
 * cold" is winter, what "costs more" is higher, and the "always" of a complaint a word that only
 * talks ("We'll always tell you …" no longer answers it): 44; a supplier named (eon, british
 * gas) is a supplier, and "to phone" or "to ring" one to contact it: 45. Companies' names are
 * no longer read as "another company": each is some help center's own name, which its customers
 * say in every other question (test/own-company-name.test.ts): 44 now.
 */
const ENERGY_CASES = casesFrom('./fixtures/help-center-energy.questions.json');
const ENERGY_ALLOWED_MISSES = 16;

/**
 * A ninth, of a homewares shop, with 47 questions (3 it does not answer) over 10 articles, written
 * from the problems a new user reported (a vase the pages never name, opening hours answered with
 * a tracking time, return steps answered with candle care) and measured before the changes they
 * led to: 29 right. Then: a sentence that says how things come ("If an item arrives damaged")
 * answers how a thing the pages never name came ("my vase arrived broken"), and one of two
 * things asked for ("a loyalty or rewards program") that the pages name answers: 31; opening
 * hours are searched as the days one is there: 32; the cheapest way is the one that costs
 * least: 33. Then, of the four that report left: asked how to do something and answered with
 * what the page says of the thing ("Candles that have been lit … cannot be returned"), the
 * sentence that says where to go or what to press comes along, first; told how long ago they
 * did something, past the time allowed ("within 2 hours"), the customer is told that time and
 * what applies after it; a short question's word that no passage kept holds ("express", where
 * pages titled "order" rank first) brings the passage that holds it, and a verb of coming alone
 * ("If an item arrives damaged …") weighs little; asked when to call, the hours answer, not the
 * number: 37 of the 42. Five questions were added then, on the same rules ("what time can I
 * phone you?", "I ordered 5 hours ago, can I still change the address?", "when will my standard
 * order arrive?", and two that were right before): 42 of 47. Then "I bought a rug 2 months ago,
 * can I still return it?", answered with "Points expire 12 months …": asked whether it is still
 * possible, past the time allowed and with nothing said of after it, that time alone answers
 * ("You can return most items within 30 days of delivery"): 43 of 48. "Do points expire after 12
 * months?" was added (44 of 49 now): its "after 12 months" was read as 12 months the customer had
 * waited, and was answered right only because no page here allows points a shorter window (one
 * that did, with what applies after it, would have been the answer: see compose.test.ts); a
 * question about what happens after a time now tells no wait. Then "do you have a store in
 * Boston I can visit?", searched as "… a stop in Boston" and answered with how to stop the
 * emails: a word is no longer "corrected" to one of four letters or fewer: 45 of 49. Left:
 * Canada (the pages say only "outside the United States"), a lit candle returned, trimming the
 * wick, and a tracking link that shows nothing.
 */
const HOME_CASES = casesFrom('./fixtures/help-center-home.questions.json');
const HOME_ALLOWED_MISSES = 4;

/**
 * A ninth, of an outdoor-gear shop (Markdown, HTML, a text file and an FAQ file), with 58
 * questions (3 it does not answer), written by the one who had just fixed the wrong answers a
 * pass of customers' questions found on it (test/qa-outdoor.test.ts): not unseen, but not read
 * against the code either. 52 right when added; 53 once "who pays the customs fees?" asked who,
 * not how much. Left: the shipping cost refunded (answered with its price), bitcoin (the page
 * says "cryptocurrency"), how points work, and what the warranty covers (answered with what it
 * does not).
 */
const OUTDOOR_CASES = casesFrom('./fixtures/help-center-outdoor.questions.json');
const OUTDOOR_ALLOWED_MISSES = 4;

async function helpCenter(folder: string): Promise<App> {
  const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), {
    databasePath: ':memory:',
  });
  const report = await ingestPaths(
    app.knowledge,
    [fileURLToPath(new URL(folder, import.meta.url))],
    {
      maxFileBytes: 1024 * 1024,
      chunk: { size: 1000, overlap: 100 },
    },
  );
  expect(report.failed).toEqual([]);
  return app;
}

/** The questions whose answer misses, each with what was expected and what came. */
async function misses(app: App, cases: readonly Case[]): Promise<string[]> {
  const out: string[] = [];
  for (const [i, [question, expected]] of cases.entries()) {
    const reply = await app.turns.start({ sessionId: `q${i}`, text: question }).result;
    const found = reply.sources.length > 0;
    const right =
      expected === null
        ? !found
        : found && reply.text.includes(expected) && /\[\d\]/.test(reply.text);
    if (!right) {
      out.push(
        `${question}\n    expected: ${expected ?? '(not found)'}\n    got: ${reply.text.replace(/\s+/g, ' ')}`,
      );
    }
  }
  // ANSWER_QUALITY_VERBOSE=1 lists every miss; a failing test lists them anyway.
  if (process.env.ANSWER_QUALITY_VERBOSE && out.length > 0) {
    console.warn(`${out.length} missed:\n  ${out.join('\n  ')}`);
  }
  return out;
}

/** Each help center: what it is, its folder, its questions, and how many answers may miss. */
const HELP_CENTERS = [
  { what: 'a store', folder: './fixtures/help-center', cases: CASES, allowed: ALLOWED_MISSES },
  {
    what: 'a scheduling app',
    folder: './fixtures/help-center-saas',
    cases: SAAS_CASES,
    allowed: SAAS_ALLOWED_MISSES,
  },
  {
    what: 'a bank',
    folder: './fixtures/help-center-bank',
    cases: BANK_CASES,
    allowed: BANK_ALLOWED_MISSES,
  },
  {
    what: 'an internet provider',
    folder: './fixtures/help-center-isp',
    cases: ISP_CASES,
    allowed: ISP_ALLOWED_MISSES,
  },
  {
    what: 'a food delivery app',
    folder: './fixtures/help-center-food',
    cases: FOOD_CASES,
    allowed: FOOD_ALLOWED_MISSES,
  },
  {
    what: 'a car-sharing service',
    folder: './fixtures/help-center-carshare',
    cases: CARSHARE_CASES,
    allowed: CARSHARE_ALLOWED_MISSES,
  },
  {
    what: 'a chain of fitness clubs',
    folder: './fixtures/help-center-gym',
    cases: GYM_CASES,
    allowed: GYM_ALLOWED_MISSES,
  },
  {
    what: 'an energy supplier',
    folder: './fixtures/help-center-energy',
    cases: ENERGY_CASES,
    allowed: ENERGY_ALLOWED_MISSES,
  },
  {
    what: 'a homewares shop',
    folder: './fixtures/help-center-home',
    cases: HOME_CASES,
    allowed: HOME_ALLOWED_MISSES,
  },
  {
    what: 'an outdoor-gear shop',
    folder: './fixtures/help-center-outdoor',
    cases: OUTDOOR_CASES,
    allowed: OUTDOOR_ALLOWED_MISSES,
  },
];

const apps: App[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('answers on a help center', () => {
  for (const { what, folder, cases, allowed } of HELP_CENTERS) {
    it(`answers at least ${cases.length - allowed} of ${cases.length} questions to ${what}`, async () => {
      const app = await helpCenter(folder);
      apps.push(app);
      const missed = await misses(app, cases);
      expect(missed.length, missed.join('\n')).toBeLessThanOrEqual(allowed);
    });
  }
});
