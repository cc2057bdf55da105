import { stem } from './search-text.js';

/**
 * The help center's scope, the only one spelling corrections are drawn from: a session's
 * attachments never are, so that a customer's misspelt word is never "corrected" to a word
 * that only another customer's file has (which would tell them it is there).
 */
export const HELP_CENTER_SCOPE = 'kb';

/**
 * How many edits a misspelt word may be from the word meant: none under five letters ("mask"
 * and "task" are both words), one from five ("pasword", "refnud"), two from nine
 * ("subscripton" → "subscription", "cancelation" is one edit from "cancellation").
 */
export function allowedEdits(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

/**
 * A contraction written without its apostrophe: "hasnt", "didnt", "doesnt", "wasnt", "youre",
 * "theyre", "whats". It is no slip of a word: corrected, it became half a word the help center
 * has ("hasn" of "hasn't") or another word ("wasnt" → "want", "theyre" → "their").
 */
const WITHOUT_APOSTROPHE =
  /^(?:(?:has|have|had|did|does|do|is|are|was|were|could|would|should|must|need|might|ca|wo|ai|sha)nt|(?:you|they|we|who|what|that|there|here|where|it|he|she)(?:re|ve|ll|d|s)|(?:i|you|they|we)(?:ve|ll|d)|im)$/;

/**
 * Whether a word may be corrected at all: letters a–z only, long enough for one edit, and not a
 * contraction written without its apostrophe ({@link WITHOUT_APOSTROPHE}), which is left as it is.
 */
export function correctable(word: string): boolean {
  return allowedEdits(word.length) > 0 && !/[^a-z]/.test(word) && !WITHOUT_APOSTROPHE.test(word);
}

/** Files an indexed term under its first letter, as {@link nearestTerm} reads them. */
export function fileByInitial<T extends KnownTerm>(
  byInitial: Map<string, Array<[string, T]>>,
  term: string,
  known: T,
): void {
  const initial = term.charAt(0);
  const bucket = byInitial.get(initial);
  if (bucket) bucket.push([term, known]);
  else byInitial.set(initial, [[term, known]]);
}

/**
 * The optimal-string-alignment distance between `a` and `b` (insertions, deletions,
 * substitutions and swaps of two neighbours, each one edit), or `max + 1` as soon as it is
 * sure to be more than `max`.
 *
 * @example
 * editDistance('refnud', 'refund', 2); // 1
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let before = new Array<number>(n + 1);
  let previous = new Array<number>(n + 1);
  let current = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowBest = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        d = Math.min(d, (before[j - 2] as number) + 1);
      }
      current[j] = d;
      if (d < rowBest) rowBest = d;
    }
    if (rowBest > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  const distance = previous[n] as number;
  return distance > max ? max + 1 : distance;
}

/** An indexed term as spelling correction sees it: how many chunks have it, how it is written. */
export interface KnownTerm {
  /** Chunks that have the term now (0 once they are all gone). */
  readonly chunks: number;
  /** How a correction to this term is written. */
  readonly word: string;
}

/**
 * The correction of one word against indexed terms (Porter stems): `known` gives a stem's
 * term, `withInitial` the terms with a first letter. The nearest term with the same first
 * letter within `allowedEdits`, the one most chunks have among equals (the first given of
 * equals, and never one of four letters or fewer); null for a word the index has, a word of
 * four letters or fewer, a word with anything but the letters a–z, and a word nothing is near. Stems are compared, not
 * words: "delivry" and "delivery" are one edit apart as "delivri" and "deliveri". A slip in
 * the first letter is rare, and keeping to it keeps a correction to a small part of the
 * vocabulary. `writtenLong` says whether a term is written with five letters or more, where its
 * `word` is no word the chunks wrote (a stem: "ship" of "shipping").
 */
export function nearestTerm(
  word: string,
  stemOfWord: string,
  known: (stem: string) => KnownTerm | undefined,
  withInitial: (initial: string) => Iterable<readonly [string, KnownTerm]>,
  writtenLong: (term: string, known: KnownTerm) => boolean = writesLong,
): string | null {
  let own = stemOfWord;
  if (!correctable(word)) return null;
  if ((known(own)?.chunks ?? 0) > 0) return null;
  // An adverb the stemmer leaves apart from its adjective: "internationally" is
  // "internation", "international" is "intern".
  if (word.length >= 7 && word.endsWith('ly')) {
    const adjective = known(stem(word.slice(0, -2)));
    if (adjective !== undefined && adjective.chunks > 0) return adjective.word;
  }
  // A stem is held to its own length too: "morning" is "morn", which no edit may make "more".
  // But a slip the stemmer read as an ending ("expres" is "expr") is one in the word itself.
  const slipInEnding = allowedEdits(own.length) === 0 && own.length < word.length;
  const edits = slipInEnding
    ? allowedEdits(word.length)
    : Math.min(allowedEdits(word.length), allowedEdits(own.length));
  if (edits === 0) return null;
  if (slipInEnding) own = word;
  // The stemmer keeps a final "e" or drops it by the shape of the word, which a slip changes:
  // "chnage" keeps it, "change" is "chang". Both forms are compared.
  const bare = own.length > 4 && own.endsWith('e') ? own.slice(0, -1) : own;
  let best: KnownTerm | undefined;
  let bestDistance = edits + 1;
  // A word that differs from a term only in which letters it doubles ("tarrif" for "tariff",
  // two edits): taken only when no term is within the edits allowed.
  let doubled: KnownTerm | undefined;
  for (const [term, candidate] of withInitial(own.charAt(0))) {
    if (candidate.chunks === 0 || Math.abs(term.length - bare.length) > edits + 1) continue;
    // Nor is a word made one of four letters or fewer: "crash" is a word of its own, not a
    // slip for "cash", as "mask" is not for "task".
    if (!writtenLong(term, candidate)) continue;
    const bound = Math.min(edits, bestDistance);
    let distance = editDistance(own, term, bound);
    if (bare !== own && distance > 0)
      distance = Math.min(distance, editDistance(bare, term, bound));
    if (
      distance < bestDistance ||
      (distance === bestDistance && best !== undefined && candidate.chunks > best.chunks)
    ) {
      best = candidate;
      bestDistance = distance;
    }
    if (
      distance > edits &&
      best === undefined &&
      (doubled === undefined || candidate.chunks > doubled.chunks) &&
      sameUndoubled(own, term)
    ) {
      doubled = candidate;
    }
  }
  if (best !== undefined && bestDistance <= edits) return best.word;
  return doubled?.word ?? null;
}

/**
 * Whether a term is written as a word of five letters or more, one a correction may be made to:
 * as its word says where the word is one the chunks wrote (see `KnownTerm`).
 */
function writesLong(_term: string, known: KnownTerm): boolean {
  return allowedEdits(known.word.length) > 0;
}

/**
 * Whether `a` and `b` are the same word once every run of one letter is read as one letter
 * ("tarrif" and "tariff" are both "tarif"), and differ at all. A letter doubled in the wrong
 * place is the commonest slip there is, and two edits from the word meant, which a word of
 * fewer than nine letters is otherwise not allowed; two words apart only in their doubled letters
 * are rarely both words ("dinner" and "diner" are one edit apart, and were so before). Compared
 * in place, without a copy: it runs against every term of a first letter.
 */
function sameUndoubled(a: string, b: string): boolean {
  if (a === b) return false;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = a.charCodeAt(i);
    if (c !== b.charCodeAt(j)) return false;
    while (i < a.length && a.charCodeAt(i) === c) i++;
    while (j < b.length && b.charCodeAt(j) === c) j++;
  }
  return i === a.length && j === b.length;
}
