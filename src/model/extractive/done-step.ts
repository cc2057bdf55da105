import { TermMatcher } from '../../rag/search/highlight.js';
import type { Candidate, Scored } from './scoring.js';

/**
 * A step done that scored at least this share of the best sentence was what the customer would
 * have been told: what comes after it is what they ask. The share by which `selectSentences`
 * lets a sentence come along with the best.
 */
const LEADING_SHARE = 0.45;

/** How much more, per sentence further on, the step after a later step done counts. */
const FURTHER = 1e-6;

/**
 * How much more the step after a page's step done counts, by that step's score (a share of the
 * best): far more than any {@link FURTHER} of a page's length, so the page comes first.
 */
const PAGE_FIRST = 1e-2;

/** The sentences left to answer from, once the steps the customer did are out. */
export interface AfterDone {
  scored: Scored;
  /**
   * A step the customer would have been told is the last its section gives ("If the e-mail
   * does not arrive, check your spam folder"), and no other such step has one after it: the help
   * center says no more about it.
   */
  lastStep: boolean;
}

/**
 * The sentences without those that tell the customer to do what they say they did already
 * (`step`: the words that name it, its verb first, as "checked spam folder" of "I've already
 * checked my spam folder"; or several such steps): a sentence with the verb and, when the step
 * names what it was done to, one of those words too ("If the e-mail does not arrive, check your spam folder"; not "Your
 * bank may take another 3 to 5 working days to show the credit on your statement" for "checked
 * my card statement", which does not say to check). The sentence right after a step they would
 * have been told (see {@link LEADING_SHARE}), in its section, is the step after it ("Then contact
 * us with your order number …"), or the first after it that the reply before (`said`) did not
 * give: it is the answer, and other sentences are not; after a step of less account, it answers
 * as well as that step would have.
 */
export function leaveOutDone(
  scored: Scored,
  step: string | readonly string[],
  said = '',
): AfterDone {
  // Several steps are left out together: one left out first would leave the others' sentences
  // out of account, and a list's second step done would no longer lead to its third.
  const tests = (typeof step === 'string' ? [step] : step).flatMap(doneTest);
  if (tests.length === 0) return { scored, lastStep: false };
  const isDone = (c: Candidate): boolean =>
    !c.unit.heading && !c.unit.question && tests.some((test) => test(c.unit.text));
  const left = scored.candidates.filter(isDone);
  if (left.length === 0) return { scored, lastStep: false };
  let best = 0;
  for (const c of scored.candidates) if (c.relevant && c.score > best) best = c.score;
  const at = new Map<string, Candidate>();
  for (const c of scored.candidates) at.set(`${c.doc}:${c.index}`, c);
  // The best score of a step done on each page: the page whose step done is most what was
  // asked is the one the customer followed.
  const pageDone = new Map<number, number>();
  for (const done of left) {
    if (done.relevant) pageDone.set(done.doc, Math.max(pageDone.get(done.doc) ?? 0, done.score));
  }
  const after = new Map<Candidate, number>();
  let leadingDone = false;
  let leadingNext = false;
  for (const done of left) {
    if (!done.relevant) continue;
    const leading = done.score >= LEADING_SHARE * best;
    leadingDone ||= leading;
    // The steps the reply before gave already are passed over: what comes after them is next.
    let index = done.index + 1;
    let next = at.get(`${done.doc}:${index}`);
    while (next && said !== '' && said.includes(next.unit.text) && !next.unit.heading) {
      next = at.get(`${done.doc}:${++index}`);
    }
    if (!next || next.unit.heading || next.unit.question || isDone(next)) continue;
    leadingNext ||= leading;
    // Of the steps of a page done, the one after the furthest comes first: the customer got
    // that far; a step they passed over comes after it. Between pages, "further" means nothing:
    // the page whose step done scored best comes first.
    const inherited = leading
      ? best * (1 + PAGE_FIRST * ((pageDone.get(done.doc) ?? 0) / best) + FURTHER * index)
      : done.score;
    after.set(next, Math.max(after.get(next) ?? 0, inherited));
  }
  const candidates: Candidate[] = [];
  for (const c of scored.candidates) {
    if (isDone(c)) continue;
    const inherited = after.get(c);
    if (leadingNext) {
      // What comes after the step done is the answer; the rest of the pages is not.
      const next = inherited !== undefined && inherited >= best;
      candidates.push(
        next ? { ...c, relevant: true, score: inherited } : { ...c, relevant: false },
      );
    } else {
      candidates.push(
        inherited === undefined || (c.relevant && c.score >= inherited)
          ? c
          : { ...c, relevant: true, score: inherited },
      );
    }
  }
  return { scored: { ...scored, candidates }, lastStep: leadingDone && !leadingNext };
}

/**
 * Whether a sentence tells to do the step (`step`: its verb first, then what it was done to):
 * it has the verb and, when the step names what it was done to, one of those words too. None
 * for a step that names nothing.
 */
function doneTest(step: string): Array<(text: string) => boolean> {
  const [verb, ...things] = step.split(/\s+/).filter((word) => word !== '');
  if (verb === undefined) return [];
  const doing = new TermMatcher([verb]);
  const to = things.map((thing) => new TermMatcher([thing]));
  return [(text) => doing.test(text) && (to.length === 0 || to.some((thing) => thing.test(text)))];
}
