import { personRequested, type EscalationReason } from '../tools/escalation/policy/index.js';

/** The signals whose reason quotes the words that hand the conversation over. */
const HANDING_OVER: ReadonlySet<EscalationReason['signal']> = new Set([
  'explicit_request',
  'legal',
]);

/** The customer's words a reason quotes: `asked for a person: "talk to a human"`. */
const QUOTED = /"(.+)"$/s;

/** Where a clause ends: a sentence's end, a semicolon, a comma, a line break. */
const CLAUSE = /[^.!?;,\n]+[.!?;,\n]*/g;

/** Words that open a question: "how do I …", "can I …", "is there …". */
const QUESTION_OPENINGS = new Set(
  `how what when where why which who whose whom whats hows whens wheres whos
  can could will would shall should may might must do does did is are am was were have has`.split(
    /\s+/,
  ),
);

/** Words before a clause's first real word that do not change what it is. */
const FILLERS = new Set(
  'and but so or then also ok okay well hi hey hello please pls just oh um sorry actually'.split(
    ' ',
  ),
);

/** Words for who does or is asked: "can I", "could you", "would someone". */
const PERSONS = new Set('i me my we us you someone somebody anyone anybody'.split(' '));

/**
 * What a message that the escalation policy hands to a person says besides the words that hand
 * it over — a request for a person ("this is ridiculous, let me talk to a real person"), a
 * threat ("I will do a chargeback with my bank"): `'only'` when every other part of it asks no
 * question, `'asks'` when one does ("… I want a person. How do I return an item?").
 * `undefined` when no reason quotes a request or a threat (a hand-over for anger alone, or for
 * questions left unanswered).
 */
export function handOverWords(
  message: string,
  reasons: readonly EscalationReason[],
): 'only' | 'asks' | undefined {
  const text = message.replace(/\s+/g, ' ');
  const spans = reasons.flatMap((reason) => {
    if (!HANDING_OVER.has(reason.signal)) return [];
    // A long quote is cut to its first 77 characters and "...".
    const quoted = QUOTED.exec(reason.detail)?.[1]?.replace(/\.\.\.$/, '');
    const start = quoted ? text.toLowerCase().indexOf(quoted.toLowerCase()) : -1;
    if (start < 0 || quoted === undefined) return [];
    return [{ start, end: start + quoted.length, request: reason.signal === 'explicit_request' }];
  });
  if (spans.length === 0) return undefined;
  // Words of the law may be asked about ("how long does a chargeback take?"): only a request
  // for a person is taken out.
  return asksBeside(
    text,
    spans.filter((s) => s.request),
  )
    ? 'asks'
    : 'only';
}

/**
 * Whether a message that the escalation policy hands to a person asks nothing else (see
 * {@link handOverWords}). Such a message is no question for the help center, and a passage
 * quoted before the hand-over only matched its other words ("real" of "a real person", "bank"
 * of the threat). A message that asks a question besides is not: its question is answered
 * before the hand-over.
 */
export function handsOverOnly(message: string, reasons: readonly EscalationReason[]): boolean {
  return handOverWords(message, reasons) === 'only';
}

/** At most this many requests for a person are taken out of one message. */
const MAX_REQUESTS = 3;

/**
 * The question of a message that asks for a person and asks something besides: the message
 * without the words that ask for the person ("this is ridiculous, let me . how do I return an
 * item?" of "… let me talk to a real person. how do I return an item?"). The help center is
 * searched for that, and the answer written to it: no page answers "a real person", and its
 * words only drew passages that share "real" or "person" and weighed the answer down. The
 * message itself when it asks for no person, or asks nothing else (it is handed over alone:
 * see {@link handOverWords}).
 */
export function withoutRequest(message: string): string {
  // Blanked out, not cut: the clauses keep their places in the message.
  let rest = message;
  const spans: Array<{ start: number; end: number }> = [];
  for (let n = 0; n < MAX_REQUESTS; n++) {
    const request = personRequested(rest);
    if (!request) break;
    spans.push(request);
    rest = `${rest.slice(0, request.start)}${' '.repeat(request.end - request.start)}${rest.slice(request.end)}`;
  }
  return spans.length > 0 && asksBeside(message, spans)
    ? rest.replace(/ {2,}/g, ' ').trim()
    : message;
}

/**
 * Whether `text` asks something besides its requests for a person (`requests`: where each
 * stands). A clause with no request asks when it does (see {@link asks}). A clause with one asks
 * nothing else ("can I talk to a human?") unless the words around the request make a question of
 * their own: a message written without stops runs the request into the question ("i want a
 * manager how do i get a refund").
 */
function asksBeside(
  text: string,
  requests: ReadonlyArray<{ start: number; end: number }>,
): boolean {
  for (const clause of text.matchAll(CLAUSE)) {
    const start = clause.index;
    const end = start + clause[0].length;
    const inside = requests
      .filter((r) => r.start < end && r.end > start)
      .sort((a, b) => a.start - b.start);
    if (inside.length === 0) {
      if (asks(clause[0])) return true;
      continue;
    }
    let from = start;
    for (const r of [...inside, { start: end, end }]) {
      if (asksAround(text.slice(from, Math.max(from, r.start)))) return true;
      from = Math.max(from, r.end);
    }
  }
  return false;
}

/**
 * Whether words beside a request for a person, in its clause, ask a question of their own: they
 * open as one and name something ("how do i get a refund" of "i want a manager how do i get a
 * refund"), not only lead into the request ("can I" of "can I talk to a human?") or follow it
 * ("please?").
 */
function asksAround(words: string): boolean {
  const said = words.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const first = said.find((w) => !FILLERS.has(w));
  if (first === undefined || !QUESTION_OPENINGS.has(first.replace(/'/g, ''))) return false;
  return said.some((w) => {
    const bare = w.replace(/'/g, '');
    return !QUESTION_OPENINGS.has(bare) && !FILLERS.has(bare) && !PERSONS.has(bare);
  });
}

/** Whether a clause asks something: it ends with a question mark or opens as a question. */
function asks(clause: string): boolean {
  if (/\p{L}[^?]*\?/u.test(clause)) return true;
  const words = clause.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const first = words.find((w) => !FILLERS.has(w));
  return first !== undefined && QUESTION_OPENINGS.has(first.replace(/'/g, ''));
}
