import { isContentWord } from '../escalation/policy/content-words.js';
import { personRequested } from '../escalation/policy/explicit-request.js';
import { onlyFeels } from '../escalation/policy/sentiment.js';
import { tokenize } from '../escalation/policy/tokenize.js';
import { words } from '../escalation/policy/word-list.js';

/** At most this many requests for a person are taken out of one message. */
const MAX_REQUESTS = 3;

/**
 * Words that say how much, how soon or at whom, not what about: "I need a person right now",
 * "worst service ever", "this bot is useless". Every conversation is about the shop's service,
 * so naming it says nothing of what went wrong.
 */
const SAY_NOTHING_OF_WHAT = new Set(
  words(`
    need needs needed want wants wanted like let now right immediately asap urgent urgently
    today already anymore ever whole entire literally honestly
    service services company business shop store brand experience customer customers support
    team staff people everyone anyone treatment way thing things everything anything
    bot bots chatbot robot assistant ai machine
  `),
);

/**
 * What a message leaves a summary when it names no subject of its own: `person` when it only
 * asks for a person ("I need to speak to a human agent now"), `feeling` when it only says how
 * the customer feels or how badly they need it ("This is ridiculous, worst service ever, I am
 * furious", "I need this now!"), `undefined` when it says what it is about ("my order still
 * hasn't arrived", "I want a manager about my broken tent"). A request for a person is never a
 * conversation's main issue (the ticket says as much); a feeling is only when no message names
 * one.
 */
export function withoutSubject(text: string): 'person' | 'feeling' | undefined {
  let rest = text.slice(0, 2_000);
  let asked = false;
  for (let n = 0; n < MAX_REQUESTS; n++) {
    const request = personRequested(rest);
    if (!request) break;
    asked = true;
    // Blanked out, not cut: the words around it stay in their clauses.
    rest = `${rest.slice(0, request.start)}${' '.repeat(request.end - request.start)}${rest.slice(request.end)}`;
  }
  const said = tokenize(rest).filter((token) => !SAY_NOTHING_OF_WHAT.has(token.word));
  const nothingElse = !said.some((token) => isContentWord(token.word)) || onlyFeels(said);
  if (!nothingElse) return undefined;
  return asked ? 'person' : 'feeling';
}
