import { phraseSet } from './phrases.js';
import { words } from './word-list.js';
import { patternSet, slot, type Slot, type WordPattern } from './word-pattern.js';

/** Parts of the body a report of harm names: "burned my hand", "hurt her back". */
const BODY = words(`
  hand hands finger fingers thumb thumbs palm palms wrist wrists arm arms elbow elbows shoulder
  shoulders leg legs knee knees ankle ankles foot feet toe toes hip hips back neck head face
  skin eye eyes ear ears nose mouth lip lips tongue chest stomach lap forearm forearms fingertip
  fingertips cheek cheeks chin forehead scalp thigh thighs shin shins paw paws
`);
const WHOSE = words('my his her their our your');
const YOUNG = words('little baby young older eldest youngest');
const SOMEONE = words('me him us them myself himself herself themselves ourselves yourself');
const BE = words("was were been got get gets getting is are am i'm he's she's we're they're");
const DEGREE = words('badly seriously severely really quite very slightly');
/** People a customer reports harm to: "my son got burned", "our dog swallowed it". */
const PEOPLE = words(`
  son sons daughter daughters child children kid kids baby babies toddler toddlers boy girl
  husband wife partner mum mom mother dad father brother sister grandson granddaughter
  grandmother grandfather grandma grandpa friend neighbour neighbor customer colleague
  boyfriend girlfriend fiance fiancee niece nephew cousin aunt uncle grandchild infant teenager
  stepson stepdaughter guest
  dog dogs cat cats puppy kitten pet pets
`);
/** Whose a hurt part of the body is when not the writer's: "my son's hand", "the baby's arm". */
const PEOPLES = PEOPLE.map((person) => `${person}'s`);

/**
 * The owner of a hurt part of the body: "my", "her", "my son's", "our little girl's", "the
 * baby's". Chat often drops the apostrophe ("my sons hand", "my kids arm"), which reads the same
 * after "my"; after "the" or "a" only a possessive says whose ("cut the cable" names no one).
 */
const OWNERS: readonly WordPattern[] = [
  [slot(WHOSE), slot(YOUNG, 0, 1), slot([...PEOPLE, ...PEOPLES], 0, 1)],
  [slot(words('the a')), slot(YOUNG, 0, 1), slot(PEOPLES)],
];

/** `before`, each way of naming whose body it is ({@link OWNERS}), then `after`: one pattern each. */
function ofBody(before: readonly Slot[], after: readonly Slot[]): WordPattern[] {
  return OWNERS.map((whose) => [...before, ...whose, ...after]);
}

/**
 * Words of a person harmed: an injury, a burn, an electric shock, poisoning, an allergic
 * reaction, a hospital. Each is a report ("burned my hand", "was injured"), not a question about
 * a risk ("can it burn?") nor a figure of speech ("burned a CD", "I was shocked by the price",
 * "hurt my credit").
 */
export const HARM_PHRASES = phraseSet([
  'injured',
  'electrocuted',
  'electrocution',
  'electric shock',
  'electric shocks',
  'electrical shock',
  'electrical shocks',
  'poisoned',
  'poisoning',
  'allergic reaction',
  'allergic reactions',
  'anaphylaxis',
  'anaphylactic',
  'hospitalised',
  'hospitalized',
  'ambulance',
  'emergency room',
  'first degree burns',
  'second degree burns',
  'third degree burns',
  'severe burns',
  'serious burns',
  'in hospital',
  'in the hospital',
  'to hospital',
  'to the hospital',
  'in a&e',
  'to a&e',
  'in the er',
  'to the er',
  'poison control',
  'choked',
  'choking',
]);

const HARMED_VERBS = words('hurt hurting injuring burned burnt burning scalded scalding cut');
/** What is said of a person harmed: "was burned", "got a rash", "is vomiting", "swallowed". */
const HARMED_STATES = words(`
  hurt injured burned burnt scalded cut electrocuted poisoned bleeding vomiting unconscious
  swallowed rash blisters blistered
`);
/** A bone or a joint harmed: "broke my arm", "sprained her wrist". */
const FRACTURED = words('broke broken fractured sprained dislocated twisted');
const APPLIANCES = words(`
  plug plugs socket sockets outlet outlets charger cable cables wire wires lead switch device
  appliance kettle toaster iron heater battery lamp machine unit handle case oven cooker hob
`);

export const HARM_PATTERNS = patternSet([
  // "my son got burned", "our dog swallowed a battery", "my daughter has a rash", "the kid
  // is vomiting": someone named, then harm said of them
  [
    slot(words('my our his her their the a')),
    slot(YOUNG, 0, 1),
    slot(PEOPLE),
    slot(words('got gets was were is are has had just then also'), 0, 2),
    slot(words('been got a an badly seriously severely really'), 0, 2),
    slot(HARMED_STATES),
  ],
  // "burned my son", "scalded our baby"
  [
    slot(words('burned burnt scalded hurt injured shocked electrocuted poisoned')),
    slot(words('my our his her their')),
    slot(words('little baby young'), 0, 1),
    slot(PEOPLE),
  ],
  // "it gave my daughter a rash", "gave him burns"
  [
    slot(['gave']),
    slot(words('my our his her their')),
    slot(words('little baby young'), 0, 1),
    slot(PEOPLE),
    slot(words('a an'), 0, 1),
    slot(words('rash burn burns blisters shock')),
  ],
  // "and is vomiting", "she started bleeding"; not "is vomiting one of them?"
  [
    slot(words("and he she they he's she's")),
    slot(words('is was started keeps kept has been'), 0, 2),
    slot(words('vomiting bleeding unconscious convulsing')),
  ],
  // "burned my hand", "hurt her back", "cut his finger", "burned my son's hand": a verb of harm
  // and a part of someone's body
  ...ofBody([slot(HARMED_VERBS)], [slot(BODY)]),
  // "my hand got burned", "her arm is badly scalded", "my wife's hand was burned": a part of
  // someone's body, then harm said of it
  ...ofBody(
    [],
    [
      slot(BODY),
      slot(words('got gets was were is are has have had been'), 1, 2),
      slot(DEGREE, 0, 2),
      slot(words('burned burnt scalded cut injured blistered bleeding')),
    ],
  ),
  // "my child's skin blistered", "her hands swelled up": a part of someone's body, then a verb
  // of harm with nothing between
  ...ofBody([], [slot(BODY), slot(DEGREE, 0, 2), slot(words('blistered bled swelled'))]),
  // "I got burned", "we were badly scalded": the writer's own injury
  [
    slot(words("i we i've we've")),
    slot(words('got was were have has been'), 1, 2),
    slot(DEGREE, 0, 2),
    slot(words('burned burnt scalded injured electrocuted')),
  ],
  // "I think I've broken my wrist", "she twisted her ankle", "fractured my son's arm": a bone
  // or a joint of someone's body; "a broken leg" alone may be a table's
  ...ofBody([slot(FRACTURED)], [slot(BODY)]),
  // "my wrist is broken", "his ankle might be sprained"
  ...ofBody(
    [],
    [
      slot(BODY),
      slot(words('got gets was were is are has have had been might may could must be'), 1, 2),
      slot(DEGREE, 0, 2),
      slot(FRACTURED),
    ],
  ),
  // "hurt myself", "burned me", "scalded him"
  [slot(HARMED_VERBS), slot(SOMEONE)],
  // "was hurt", "got badly scalded"
  [slot(BE), slot(DEGREE, 0, 2), slot(words('hurt scalded'))],
  // "a burn on my arm", "burns to her face"
  [slot(words('burn burns')), slot(words('on to')), slot(WHOSE)],
  // "a shock from the charger", "got a shock off the kettle"; not "a shock when I saw the bill"
  [
    slot(words('shock shocks')),
    slot(words('from off')),
    slot(words('the my this that it your'), 0, 1),
    slot(APPLIANCES),
  ],
  // "ended up in hospital", "was rushed to the hospital"
  [
    slot(words('ended taken rushed admitted went been')),
    slot(['up'], 0, 1),
    slot(words('in to into')),
    slot(words('the a'), 0, 1),
    slot(words('hospital er')),
  ],
]);

/**
 * Words of a danger that harmed no one yet: fire, flames, an explosion, smoke, a burning smell,
 * sparks, exposed wires, a gas leak, a carbon-monoxide alarm. Reports, again: "caught fire",
 * not "fire TV stick", "fire the courier" or "what if it catches fire"; smoke that comes out of
 * something, not a smoke detector or a smoker.
 */
export const HAZARD_PHRASES = phraseSet([
  'on fire',
  'exploded',
  'explosion',
  'in flames',
  'into flames',
  'burning smell',
  'burning plastic',
  'burning rubber',
  'full of smoke',
  'filled with smoke',
  'sparking',
  'firefighters',
  'fire brigade',
  'fire department',
  'gas leak',
  'gas leaking',
  'leaking gas',
  'leaks gas',
]);

export const HAZARD_PATTERNS = patternSet([
  // "exposed live wires", "bare wiring", "a live cable hanging down": electricity within reach;
  // not "a loose cable" of a router, nor "live chat"
  [
    slot(words('exposed bare live')),
    slot(words('live electric electrical'), 0, 1),
    slot(words('wire wires wiring cable cables')),
  ],
  // "caught fire", "catches fire every time", "caught on fire"
  [slot(words('caught catches catching')), slot(['on'], 0, 1), slot(['fire'])],
  // "started a fire", "caused a small fire", "there was a fire", "we had a fire in the kitchen"
  [
    slot(words('started caused causing was had')),
    slot(words('a the')),
    slot(words('small little big huge massive electrical kitchen house'), 0, 1),
    slot(['fire']),
  ],
  // "smoke came out", "smoke was pouring", "smoke everywhere"
  [
    slot(['smoke']),
    slot(
      words('came coming comes poured pouring billowing rising started was everywhere out filled'),
    ),
  ],
  // "it started smoking", "it's smoking", "this was smoking"
  [
    slot(words("it it's that that's this which")),
    slot(words('started began starts begins was is kept keeps'), 0, 1),
    slot(['to'], 0, 1),
    slot(words('smoke smoking smoked')),
  ],
  // "smells of burning", "smelled like burnt plastic"
  [
    slot(words('smell smells smelled smelt smelling')),
    slot(words('of like')),
    slot(words('burning burnt burned')),
  ],
  // "I smell gas", "a smell of gas", "smells like gas"; not "gas prices" or "ran out of gas"
  [slot(words('smell smells smelled smelt smelling')), slot(words('of like'), 0, 1), slot(['gas'])],
  // "the gas is leaking", "gas was escaping"
  [slot(['gas']), slot(words('is was keeps kept')), slot(words('leaking escaping coming'))],
  // "the carbon monoxide alarm went off", "the CO detector keeps going off"; not a question
  // about an alarm's battery
  [
    slot(words('carbon co')),
    slot(['monoxide'], 0, 1),
    slot(words('alarm alarms detector detectors')),
    slot(words('went goes going keeps kept is was has started')),
    slot(words('going sounding'), 0, 1),
    slot(words('off sounding')),
  ],
  // "sparks came out", "sparks flew"
  [slot(['sparks']), slot(words('came coming flew flying shot shooting everywhere out'))],
]);

/** What a "fire" names when it is no fire: "a fire TV stick", "a fire alarm", "fire exit". */
export const FIRE_THINGS = new Set(
  words(`
    tv stick sticks tablet tablets hd phone alarm alarms extinguisher extinguishers exit exits
    door doors drill drills escape safety pit place wall proof resistant retardant rated
  `),
);

/** "Exploded with messages", "exploded at me": a figure of speech. */
export const FIGURATIVE_AFTER_EXPLODED = new Set(words('with at'));

/** "Cut me off", "cut us short": a supply, a call or a talk stopped, no one cut. */
export const CUT_OFF = new Set(words('off short'));

/**
 * Words that make what follows them in a sentence a question about a risk or a rule, not a
 * report: "what if the battery catches fire?", "is there a risk of explosion?", "how do I
 * avoid a burning smell?".
 */
export const HYPOTHETICAL = new Set(words('if whether unless risk risks prevent avoid'));

/**
 * Past modals that, before "have", speak of what could have happened, not what did: "could it
 * have burned my hand?", "it could've burned him". "Must have" is left out: "I must have burned
 * my hand on it" reports a burn; so are "may have" and "might have": "the heater may have burned
 * my daughter's arm" reports a harm the customer is not sure of, which is still for the team.
 */
export const COULD_HAVE = new Set(words('could would'));
/** The same modals with "have" in one word. */
export const COULD_HAVE_CONTRACTED = new Set(words("could've would've"));
