import { searchWords, stem } from '../../store/lexical/search-text.js';
import { STOP_WORDS } from '../../store/lexical/stop-words.js';

/**
 * A word of a question searched at a weight of its own: the help center's word for what the
 * customer says in theirs ("broken" → "damaged", "money back" → "refund"), or a word of the
 * question that is part of such a phrase ("money", "back"), weighed down.
 */
export interface RelatedTerm {
  /** A word to search as well, or a word of the question to search at this weight. */
  term: string;
  /** Its weight against the question's own words (1). */
  weight: number;
  /** The word or phrase of the question it stands for, as the question has it (lowercased). */
  from: string;
  /** A word of the question itself, weighed down as part of a phrase ({@link IDIOM_WEIGHT}). */
  own?: true;
}

/**
 * Weight of a related word: it may not mean quite what the customer meant, so a passage in the
 * customer's own words ranks above one in other words, and a related word never outweighs two
 * of the question's own.
 */
export const RELATED_WEIGHT = 0.6;

/**
 * Weight of the question's own words that are part of a phrase the table knows: "send" and
 * "back" in "send it back" say "return", and should not find "we send a replacement".
 */
export const IDIOM_WEIGHT = 0.3;

/**
 * Support vocabulary, English. A line `a | b | c` makes its words and phrases stand for one
 * another; a line `a | b => c d` adds the words `c` and `d` when the question says `a` or `b`
 * (and not the other way round: "track" does not mean "where is my order"); a line
 * `a | b = c` does too, for phrases that mean `c` and not what their words mean one by one
 * ("send it back" = "return"): their own words then count for little ({@link IDIOM_WEIGHT}).
 * Words are matched by stem, phrases word by word with up to two words between, not counting
 * stop words, and four in all ("send the parcel back", "send a pair of shoes back"); only the
 * content words of what is added are searched.
 */
export const DEFAULT_SYNONYMS = `
  delivery | deliver | shipping | shipment | dispatch
  package | parcel
  courier | driver | rider | delivery person | delivery guy | delivery driver | dasher
  beer | wine | vodka | whiskey | whisky | liquor | booze | spirits | champagne => alcohol
  item | product
  shoes | boots | trainers | sneakers | sandals | shirt | t shirt | jacket | coat | dress | skirt | jeans | trousers | pants | sweater | jumper | hoodie | hat | bag | handbag | backpack | watch | sunglasses | glasses | wallet | purse | umbrella | laptop | phone case | headphones | earbuds | charger | toy | lamp | mug | kettle | toaster | blender | mattress | pillow | towel => item
  refund | reimbursement | reimburse
  money back | my money = refund
  send back | bring back | give back = return
  damaged | broken | defective | faulty | cracked | smashed | dented | torn
  broke | broken | tore | stopped working | came apart | fell apart => defect faulty damaged
  snapped | snap => defect faulty
  bigger size | larger size | smaller size | bigger one | larger one | smaller one => exchange
  exchange | swap
  wrong item | incorrect item | wrong product | wrong size | wrong colour | wrong color => wrong
  undo | revert | reverse | unsubscribe => cancel
  stop paying | stop my subscription | stop the subscription | end my subscription | quit = cancel subscription
  downgrade | go back to free | switch to free | back to the free = downgrade free plan
  delete | remove | erase
  close account | delete account | cancel account | terminate account
  change | update | edit | modify
  e mail | mail address => email
  login | signin | logon
  password | passcode
  log in | log on => login sign
  sign in => login log
  logout | signout
  log out => logout sign
  sign out => logout log
  signup | register | registration
  sign up | create an account => signup register
  2fa | mfa | two step | 2 step | multi factor | authenticator | one time code => two factor authentication
  expired | expire | no longer valid => valid
  not work anymore | not open anymore | stopped working | no longer works = expire
  never came | never arrived | didn t arrive | not arrived | didn t come | hasn t come | haven t come | not come | hasn t arrived | haven t arrived | never got | didn t get | not get | haven t got | haven t received | never received | not received = arrive tracking delivery
  delayed | delay | overdue | running late | arrive late | arrived late => tracking
  yearly | annual | annually
  where is order | where is package | where is parcel | where s order | where s package | track order | order status | status of order = tracking
  coupon | voucher | discount => promo
  promo code | promotion code | discount code => coupon
  invoice | receipt
  when pay | when payment | pay when => due date deadline
  declined | rejected | refused | denied | bounced
  bounced | bounce => failed unpaid
  come out | comes out | coming out | go out | goes out | taken out = payment taken
  dd => direct debit
  card declined | card was declined | card rejected | card was rejected => payment failed
  wire transfer | wire | bank wire => bank transfer
  hand over | pass on | handover = transfer
  move money | moved money | move | moved | moving => transfer
  selfie | photo id | id card | driving licence | driver s license | passport => identity verification
  loose change | spare change | round up | rounding up => round ups
  excel | spreadsheet | csv
  text message | text messages | texts | sms
  coworker | colleague | teammate | employee | staff => member
  add coworker | add colleague | add people | add teammate | add employee = invite member
  take off the team | remove from the team = remove member
  kick out | kicks out | logs out | logged out | throws out = sign out
  suspended | shut off | shut down | locked out | deactivated | disabled
  lost | gone | missing
  stole | stolen | theft | robbed | pickpocketed
  show up | showed up | shown up | turn up | turned up = arrive
  got instead | received instead | sent me instead | came instead | delivered instead = wrong item
  buddy | pal | mate | bestie => friend
  rain | raining | rainy | snow | snowing | snowy | storm | stormy | blizzard | heatwave => weather
  overdraft | overdraw | overdrawn | go negative | negative balance
  ve gone over to | ve moved over to | ve switched over to | left you for = switch leave
  buzzing | push notification | push notifications | alerts => notifications
  too many emails | too many notifications | stop the emails = notifications
  rundown | daily summary | digest | summary of my day = agenda
  break between | gap between | time between = buffer
  wifi | wi fi | wireless
  upstairs | downstairs | top floor | other floor | other floors | another floor | every floor | other room | other rooms | another room | every room | whole house | all over the house | dead spot | dead spots | dead zone | weak signal | poor signal => coverage rooms bedrooms floors
  setup | set up
  tv | telly | television
  football | soccer | nfl | nba => sports
  changed my mind | change my mind | change of heart = cancel
  slow | slowly | sluggish | crawling | laggy | lagging
  postpone => reschedule
  freeze | frozen | pause | paused | put on hold | on hold
  switch off | turn off = freeze pause
  grey | gray | greyed | grayed | greyed out | grayed out
  college | university | uni => student
  regret | back out | backing out = cancel change mind
  a new one | new one => replacement replace
  text => message chat
  wifi code | wi fi code | network key | wifi key | network password => wifi password
  phone abroad | data abroad | using my phone abroad => roaming
  interest rate | interest rates => apy
  download => export
  smaller | lower | lowered | reduce | decrease
  wrong house | wrong home | wrong door | wrong building => wrong address
  where it gets delivered | where it s delivered | delivery location => address
  pay for their own | pay separately | each pay | go dutch => split bill
  order together | ordering together => group order
  carry over | carried over | carries over | roll over | rolled over | rolls over | rollover
  ahead | in advance | beforehand
  km | kms | kilometre | kilometres | kilometer | kilometers
  carseat | car seat | baby seat | booster => child seat
  giftcard = gift card
  push back | put off | move my appointment | move the appointment = reschedule
  is down | went down | been down | are down | goes down | not loading = outage interruption
  outage | service interruption | disruption
  europe | eu | european
  germany | german | france | french | spain | italy | netherlands | dutch | ireland | austria | belgium | sweden | denmark | finland | poland | portugal => eu
  charged twice | double charge | double charged | duplicate charge | charged two times | extra charge = second charge
  cost | price | fee
  charge | surcharge => fee
  how much is | how much are | how much for | how expensive => price cost fee charge
  import tax | import taxes | duties | duty | import fees => customs
  customs => duties import
  subscription | membership
  cell phone | cellphone | mobile => phone
  get in touch => contact
  are you open | when do you open | when will you open | when is open | what time open | what time close | opening times = hours
  cheap | cheaper | cheapest | least expensive | lowest price => cost price
  on sale | sale price | on offer | marked down | price drop | price dropped | went down in price = cheaper price
  dryer | drier | tumble dryer | tumble drier | tumbler => tumble dry
  cut off | cut me off | cut us off | cutting off = disconnect
  midnight | midday | late at night | middle of the night | early in the morning => hours
  opening hours | business hours | office hours | hours of operation | support hours = open available monday friday
  always open | open all the time | open round the clock | open around the clock => 24 hours
  phone number | contact number | support number | service number | helpline | call you | ring you | phone you => call phone contact
  who do i ring | who should i ring | who do we ring | who to ring | number to ring | ring us | ring them | to phone | to ring => call phone contact
  today => same day
  weekday | weekdays => monday friday
  front desk | reception desk | front counter = reception
  abroad | overseas | worldwide => international
  canada | mexico | uk | united kingdom | england | france | germany | spain | italy | australia | japan | china | india | brazil | ireland | netherlands | sweden | norway | denmark | switzerland | new zealand | singapore | korea => international
  never picked up | didn t pick up | not pick up | never collected | didn t collect = no show
  guide dog | guide dogs | assistance dog | seeing eye dog | support dog => service animal
  vet | vets | veterinarian | veterinary => pet
  fight | appeal => contest dispute
  bill | bills => invoice
  area | zone
  while i m gone | while i m away | while im gone | while im away | while i am gone | while i am away | while we re away | while we re gone | when i m away = pause
  zero bars | no bars | no phone signal | no mobile signal => signal
  reeks | reek | stinks | stink | stinky | smelly | smells => smell
  cigarette | cigarettes | cigs | smoked => smoking smoke
  bills by post | bill by post | bills in the post | bill in the post | bills through the post | statements by post | statements in the post => paper
  running fast | running too fast | runs fast | spinning too fast => faulty accuracy
  lost my job | lost his job | lost her job | lost our jobs | made redundant | laid off | out of work = job loss income
  can t afford | cannot afford | couldn t afford | can t pay | cannot pay = struggling to pay
  without electric | without power | without electricity | no power | no electric | no electricity | power went off | power went out | lights went out = power cut
  do i get anything | do we get anything | will i get anything | will we get anything | entitled to anything => compensation
  getting nowhere | not getting anywhere | back and forth | take it further | take this further | who else can i go to | who else can i complain to = complaint ombudsman
  nearly empty | almost empty | nearly run out | almost run out | running out => runs low
  finishes | finish | finished => ends end
  borrow | borrowing | lend me | tide me over => credit
  give you the numbers | give you the readings | give you a reading | give you readings | numbers on the meter | numbers off the meter | numbers from the meter | numbers on my meter | numbers off my meter | meter numbers = send meter reading readings
  put the new | put a new | put in the new | put in a new | putting the new | putting a new | putting in a new | fit the new | fit a new | fitting the new | fitting a new => install installation installed
  go off | goes off | going off => switched off
  barefoot | bare foot | no shoes | without shoes | without trainers = bare feet
  work discount | discount through work | discount through my work | discount from work = corporate discount
  don t turn up | didn t turn up | never turned up | don t show up | didn t show up | never showed up | not turn up | not show up = no show missed
  overnight | over night => night
  someone else | somebody else => different another
  come with me | come with us | come along with me | tag along => bring guest
  left my job | leave my job | leaving my job | quit my job | changed jobs | change jobs | new job = leave employer
  canada | mexico | france | germany | spain | italy | portugal | greece | australia | japan | china | india | brazil | ireland | netherlands | sweden | norway | denmark | switzerland | new zealand | singapore | korea => abroad
  ice | icy | lukewarm | luke warm | stone cold | ice cold | not hot | not warm => cold
  once it gets cold | once it gets colder | as it gets colder | cold weather | colder weather | cold months | colder months | cold snap => winter
  compensation | compensate | compensated => refund credit
  asus | netgear | tp link | tplink | linksys | eero | orbi | draytek | fritzbox | fritz box => router
  ran out | run out | runs out
  on holiday | on holidays | on my holidays | on vacation => away abroad
  say something | complain | raise it => report
  another brand | different brand | other brand | substituted | subbed => substitution
  costs more | cost more | costing more | charging more | charged more | charge more = fee charge higher
  no internet | no broadband | no connection | not connected | no service => connected connection
  join in | join my order | join the order | join our order | office lunch | team lunch | office order => group order
  next monday | next tuesday | next wednesday | next thursday | next friday | next saturday | next sunday | next week => schedule advance
  pin hole | reset hole | press hole | push hole | poke hole => pinhole reset
  little hole | small hole | tiny hole => pinhole
  new york | los angeles | chicago | miami | san francisco | las vegas | boston | florida | california | texas | hawaii => usa
  phone over there | phone out there | phone while i m there | phone when i m there => roaming
  toronto | vancouver | montreal | ottawa | calgary => canada abroad international
`;

/**
 * Things a help center names in words that look alike, or that sit in the same places ("reset
 * your …", "forgot your …"), that are not the same, English. A line `a | b != c | d` says each
 * word on one side names something else than each on the other: a PIN is no password, so what
 * a page says of passwords ("Select Forgot password …") is no answer to "I forgot my pin".
 * Words are matched by stem. See {@link differentThings}.
 */
export const DEFAULT_DIFFERENT = `
  pin | pins != password | passwords
  username | usernames != password | passwords
`;

/** A word of a question, and the words of things it is known not to be. */
export interface DifferentThing {
  /** The word as the question has it (lowercased). */
  asked: string;
  /** Words that name something else, none of which the question says. */
  others: string[];
}

/** The table of {@link DEFAULT_DIFFERENT}, by the stem of each word: the words it is not. */
const DIFFERENT = readDifferent(DEFAULT_DIFFERENT);

function readDifferent(table: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [n, raw] of table.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const sides = line.split('!=').map((side) => side.split('|').flatMap((w) => searchWords(w)));
    if (sides.length !== 2 || sides.some((side) => side.length === 0)) {
      throw new Error(`line ${n + 1}: not "a | b != c | d" in "${line}"`);
    }
    const [left, right] = sides as [string[], string[]];
    for (const [from, to] of [
      [left, right],
      [right, left],
    ] as const) {
      for (const word of from) {
        const list = out.get(stem(word)) ?? [];
        out.set(stem(word), [...new Set([...list, ...to])]);
      }
    }
  }
  return out;
}

/**
 * The words of a question that name a thing known to be other than something a help center may
 * say instead (see {@link DEFAULT_DIFFERENT}), each with the words of those others, when the
 * question names none of them: asked about a PIN alone, a sentence about passwords is about
 * something else; asked about both, it is not.
 *
 * @example
 * differentThings('I forgot my pin'); // [{ asked: 'pin', others: ['password', 'passwords'] }]
 * differentThings('is my pin the same as my password?'); // []
 */
export function differentThings(question: string): DifferentThing[] {
  const said = searchWords(question.slice(0, 2_000));
  const stems = new Set(said.map(stem));
  const out: DifferentThing[] = [];
  const seen = new Set<string>();
  for (const [i, word] of said.entries()) {
    const s = stem(word);
    const others = DIFFERENT.get(s);
    if (others === undefined || seen.has(s) || held(said, i)) continue;
    seen.add(s);
    if (!others.some((other) => stems.has(stem(other)))) out.push({ asked: word, others });
  }
  return out;
}

/**
 * Whether the word at `i` names a thing held in the hand to press with: "pressed the reset hole
 * with a pin", "pushed it in using a pin", "a safety pin" are no PIN; "log in with a pin" is, and
 * so is "I'm stuck, can I sign in with a pin?": what is pressed with the pin is the object of a
 * pressing verb of the same clause, a few words before it.
 */
function held(said: readonly string[], i: number): boolean {
  const before = said[i - 1];
  if (before === 'safety') return true;
  if (before !== 'a' || (said[i - 2] !== 'with' && said[i - 2] !== 'using')) return false;
  for (let j = i - 3; j >= Math.max(0, i - 3 - MAX_PRESS_GAP); j--) {
    const word = said[j] as string;
    if (PRESSING.has(word)) return true;
    if (NEW_CLAUSE.has(word)) return false;
  }
  return false;
}

/** The most words between a pressing verb and the "with" of what it presses with. */
const MAX_PRESS_GAP = 8;

/** Words that begin another clause: a pressing verb before them presses nothing with the pin. */
const NEW_CLAUSE = new Set(
  'i we you he she they can could will would should and but so then if when'.split(' '),
);

/** Words of pressing or poking something with a thing held. */
const PRESSING = new Set(
  'press pressed pressing push pushed pushing poke poked poking prod prodded stick stuck hold held holding'.split(
    ' ',
  ),
);

interface Entry {
  /** The stems of its words, in order. */
  stems: string[];
  text: string;
}

interface Rule {
  from: Entry[];
  /** Its phrases mean what it adds, not what their own words mean. */
  idiom: boolean;
  /** The words added: content words only, with their stems. */
  to: Array<{ term: string; stem: string }>;
}

/**
 * Related words of questions, from a table of synonyms (see {@link DEFAULT_SYNONYMS} for the
 * format). A company adds its own lines for its own words (product names, jargon).
 *
 * @example
 * Synonyms.default.related('My parcel arrived broken');
 * // [{ term: 'package', … }, { term: 'damaged', … }, …]
 */
export class Synonyms {
  static readonly default = new Synonyms(DEFAULT_SYNONYMS);

  /** The rules whose phrases start with each stem. */
  readonly #byFirstStem = new Map<string, Array<{ entry: Entry; rule: Rule }>>();
  readonly #cache = new Map<string, RelatedTerm[]>();

  /**
   * @param tables Tables in the format of {@link DEFAULT_SYNONYMS}, read one after the other.
   * @throws {Error} for a line that is neither a group nor a rule, naming its line.
   */
  constructor(...tables: string[]) {
    for (const table of tables) this.#read(table);
  }

  #read(table: string): void {
    for (const [n, raw] of table.split('\n').entries()) {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '') continue;
      const idiom = !line.includes('=>');
      const [left, right, extra] = line.split(idiom ? '=' : '=>');
      if (extra !== undefined || left === undefined || (!idiom && /=(?!>)/.test(line))) {
        throw new Error(`line ${n + 1}: more than one "=>" or "=" in "${line}"`);
      }
      const from = left
        .split('|')
        .map(entryOf)
        .filter((e) => e.stems.length > 0);
      if (right === undefined) {
        // A group: each member adds the others.
        for (const entry of from) {
          this.#add(entry, {
            from: [entry],
            idiom: false,
            to: from.filter((other) => other !== entry).flatMap(contentWords),
          });
        }
      } else {
        const to = contentWords(entryOf(right));
        if (from.length === 0 || to.length === 0) {
          throw new Error(`line ${n + 1}: words are needed on both sides in "${line}"`);
        }
        const rule = { from, to, idiom };
        for (const entry of from) this.#add(entry, rule);
      }
    }
  }

  #add(entry: Entry, rule: Rule): void {
    const first = entry.stems[0] as string;
    let list = this.#byFirstStem.get(first);
    if (!list) this.#byFirstStem.set(first, (list = []));
    list.push({ entry, rule });
  }

  /** Whether the table has this word as an entry of its own: it is no misspelling. */
  knows(word: string): boolean {
    return (this.#byFirstStem.get(stem(word)) ?? []).some(({ entry }) => entry.stems.length === 1);
  }

  /**
   * The words to search beside the question's own: those every entry the question contains
   * adds, each once, none the question already has (by stem), at {@link RELATED_WEIGHT}; and for
   * an idiom the question contains ("send it back"), its own content words, at
   * {@link IDIOM_WEIGHT}.
   */
  related(question: string): RelatedTerm[] {
    const text = question.slice(0, 2_000);
    const cached = this.#cache.get(text);
    if (cached) return cached;
    const words = searchWords(text).flatMap(spellOutNegation);
    const stems = words.map(stem);
    const have = new Set(stems);
    const out: RelatedTerm[] = [];
    const lowered = new Set<string>();
    // The words of an idiom the question has ("changed my mind") mean what it means: no entry
    // of one of them alone ("change" → "update") adds words for them.
    const inIdiom = new Set<number>();
    const idioms: number[][] = [];
    for (let i = 0; i < stems.length; i++) {
      for (const { entry, rule } of this.#byFirstStem.get(stems[i] as string) ?? []) {
        if (!rule.idiom || entry.stems.length < 2) continue;
        const at = positionsAt(words, stems, i, entry.stems);
        if (!at) continue;
        idioms.push(at);
        for (const p of at) inIdiom.add(p);
      }
    }
    for (let i = 0; i < stems.length; i++) {
      for (const { entry, rule } of this.#byFirstStem.get(stems[i] as string) ?? []) {
        const at = positionsAt(words, stems, i, entry.stems);
        if (!at) continue;
        if (!rule.idiom && at.every((p) => inIdiom.has(p))) continue;
        // Nor does an idiom made of words of a longer one ("goes out" and "back out" in "goes
        // back out"): the longer one is what the question says.
        if (
          rule.idiom &&
          idioms.some((o) => o.length > at.length && at.every((p) => o.includes(p)))
        ) {
          continue;
        }
        // As the question says it: "parcel back" for the table's "send back".
        const from = at.map((p) => words[p]).join(' ');
        if (rule.idiom && at.length > 1) {
          // The phrase's own content words mean what it means, not what each means alone.
          const targets = new Set(rule.to.map((t) => t.stem));
          for (const p of at) {
            const word = words[p] as string;
            const s = stems[p] as string;
            if (STOP_WORDS.has(word) || targets.has(s) || lowered.has(s)) continue;
            lowered.add(s);
            out.push({ term: word, weight: IDIOM_WEIGHT, from, own: true });
          }
        }
        for (const { term, stem: s } of rule.to) {
          if (have.has(s)) continue;
          have.add(s);
          out.push({ term, weight: RELATED_WEIGHT, from });
        }
      }
    }
    if (this.#cache.size >= 10_000) this.#cache.clear();
    this.#cache.set(text, out);
    return out;
  }
}

// Chat drops the apostrophe: "didnt", "hasnt", "dont" are read as "didn't", "hasn't", "don't".
const NEGATIONS = new Set(
  'didnt doesnt dont hasnt havent hadnt isnt arent wasnt werent cant couldnt wont wouldnt shouldnt'.split(
    ' ',
  ),
);

/** A word, or an apostrophe-less negation as the two words its apostrophe form makes. */
function spellOutNegation(word: string): string[] {
  return NEGATIONS.has(word) ? [word.slice(0, -1), 't'] : [word];
}

function entryOf(text: string): Entry {
  const words = searchWords(text);
  return { stems: words.map(stem), text: words.join(' ') };
}

/** The words of an entry worth searching: not stop words, with their stems. */
function contentWords(entry: Entry): Array<{ term: string; stem: string }> {
  return entry.text
    .split(' ')
    .filter((w) => w !== '' && !STOP_WORDS.has(w))
    .map((term) => ({ term, stem: stem(term) }));
}

/**
 * Words other than stop words a phrase's next word may come after: "send back" is in "send the
 * parcel back" and in "send a pair of shoes back".
 */
const MAX_GAP = 2;
/** Words of any kind it may come after: "send a message to the team at the back" is not it. */
const MAX_SPAN = 4;

/**
 * Where the phrase's words are when they follow `at` in order, each after at most
 * {@link MAX_GAP} words that are not stop words and {@link MAX_SPAN} words in all ("send it
 * back", "log me in", "send a pair of shoes back"); `null` when they do not.
 */
function positionsAt(
  words: readonly string[],
  stems: readonly string[],
  at: number,
  phrase: readonly string[],
): number[] | null {
  const positions = [at];
  let i = at;
  for (let k = 1; k < phrase.length; k++) {
    let next = -1;
    let content = 0;
    for (let j = i + 1; j <= i + 1 + MAX_SPAN && j < stems.length; j++) {
      if (stems[j] === phrase[k]) {
        next = j;
        break;
      }
      if (!STOP_WORDS.has(words[j] as string) && ++content > MAX_GAP) break;
    }
    if (next < 0) return null;
    positions.push(next);
    i = next;
  }
  return positions;
}
