import { words } from './word-list.js';

/** Nouns that can only mean a person the customer could be handed to. */
export const PEOPLE = words(`
  human humans person agent agents representative representatives rep reps operator manager
  managers supervisor supervisors staff employee advisor adviser
`);

/**
 * Anyone at all: a request with a verb of talking ("talk to someone") or right after a verb of
 * wanting ("get me someone"), but not further away ("need to tell someone at home").
 */
export const ANYONE = words('someone somebody anyone anybody people');

/** Verbs of being put in contact: "talk to", "put me through to", "connect me with". */
export const TALK_VERBS = words(`
  talk talking speak speaking chat chatting discuss deal connect switch route hand redirect
  transfer put pass forward reach contact
`);

/** Verbs of wanting or asking: "I want a person", "asking for a manager". */
export const WISH_VERBS = words(`
  want wanna need get give see bring find request requesting ask asking asked demand demanding
  prefer require escalate
`);

/** Small words between the verb and the person: "get in touch with", "put me through to". */
export const LINKS = words('to this it with me us through for in touch hold of help from over');
export const DETERMINERS = words('a an the some one your any another');
export const QUALIFIERS = words('real actual live human proper customer service support');

/**
 * What may follow "call me" when it asks for a call: "call me back", "call me on 0770…", or what
 * the call is to be about ("call me about cancelling", "ring me regarding the contract"): a name
 * ("call me Bob") or a manner ("call me by my first name") asks for no call.
 */
export const CALL_FOLLOWERS = words(`
  back on at asap please pls today tomorrow now when as right urgently immediately directly
  instead later this about regarding re concerning
`);
export const CALL_VERBS = new Set(words('call phone ring'));

/**
 * "agent", "manager", "person" used as a modifier of a thing is not a person: "the agent
 * field", "the manager role", "person id".
 */
export const THING_AFTER_PERSON = new Set(
  words(`
    workspace channel field fields column name id role roles setting settings mode app software
    dashboard portal view panel access permission permissions account license seat seats version
    plan tab page screen option
  `),
);

/** Words that may make up a whole sentence asking for a person: "Agent!", "Human please." */
export const SHORT_REQUEST_WORDS = new Set([
  ...PEOPLE,
  ...QUALIFIERS,
  ...DETERMINERS,
  ...words('please pls plz now i me want need get give to talk speak just'),
]);
export const SHORT_REQUEST_MAX_WORDS = 6;
