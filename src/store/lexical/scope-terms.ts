import { Postings } from './postings.js';
import { stem } from './search-text.js';
import { fileByInitial, nearestTerm, type KnownTerm } from './spelling.js';

/** Words remembered with their postings; past this many the memory starts again. */
const WORD_MEMORY = 200_000;

/** Spelling corrections remembered; past this many the memory starts again. */
const CORRECTION_MEMORY = 10_000;

/**
 * The terms of one scope's chunks (the help center's, or one session's attachments), each with
 * the postings of that scope's chunks, and the counts BM25 normalises by. Every scope keeps its
 * own, and a search reads only the scopes it searches: a session's attachment can change
 * neither how the help center's passages rank, nor which words a search of the help center
 * leaves out of its budget, nor what another customer's misspelt word is corrected to.
 *
 * Postings are numbered within their scope (`Postings.id`, an index into {@link byId}).
 */
export class ScopeTerms {
  /** The scope's name, as chunks give it. */
  readonly name: string;
  /** Postings by their id. */
  readonly byId: Postings[] = [];
  /** How many chunks of the scope are indexed. */
  chunks = 0;
  /** Their words, all fields together. */
  tokens = 0;
  /** Their words in titles and heading paths. */
  titleTokens = 0;
  /** How many of them have a title or heading that asks a question (see `titleAsks`). */
  asking = 0;
  /** Stem → postings. */
  readonly #terms = new Map<string, Postings>();
  /** Word → the postings of its stem: stemming is most of the cost of indexing a text. */
  readonly #words = new Map<string, Postings>();
  /** Stems by their first letter, for spelling corrections. */
  readonly #byInitial = new Map<string, Array<[string, Postings]>>();
  /** Spelling corrections found since the scope last changed: word → correction or null. */
  readonly #corrections = new Map<string, string | null>();

  constructor(name: string) {
    this.name = name;
  }

  /** The postings of a word's stem, created when the scope has none yet. */
  postingsToAdd(word: string): Postings {
    return this.#postingsOf(word, true) as Postings;
  }

  /** The postings of a word's stem in this scope; undefined when no chunk of it ever had it. */
  postings(word: string): Postings | undefined {
    return this.#postingsOf(word, false);
  }

  /** Counts a chunk added (its words, title words, and whether its title asks). */
  added(length: number, titleLength: number, asks: boolean): void {
    if (this.#corrections.size > 0) this.#corrections.clear();
    this.chunks++;
    this.tokens += length;
    this.titleTokens += titleLength;
    if (asks) this.asking++;
  }

  /** Counts a chunk removed, as it was added; its postings are taken out by the caller. */
  removed(length: number, titleLength: number, asks: boolean): void {
    if (this.#corrections.size > 0) this.#corrections.clear();
    this.chunks--;
    this.tokens -= length;
    this.titleTokens -= titleLength;
    if (asks) this.asking--;
  }

  /** The term of a stem as spelling correction sees it (see `KnownTerm`). */
  known(term: string): KnownTerm | undefined {
    return this.#terms.get(term);
  }

  /** The scope's stems with the first letter `initial`, with their postings. */
  withInitial(initial: string): ReadonlyArray<readonly [string, KnownTerm]> {
    return this.#byInitial.get(initial) ?? [];
  }

  /** The correction of one word against this scope's words alone (see `nearestTerm`). */
  correct(word: string): string | null {
    let correction = this.#corrections.get(word);
    if (correction === undefined) {
      correction = nearestTerm(
        word,
        stem(word),
        (term) => this.#terms.get(term),
        (initial) => this.withInitial(initial),
      );
      if (this.#corrections.size >= CORRECTION_MEMORY) this.#corrections.clear();
      this.#corrections.set(word, correction);
    }
    return correction;
  }

  #postingsOf(word: string, create: boolean): Postings | undefined {
    let postings = this.#words.get(word);
    if (postings !== undefined) return postings;
    const term = stem(word);
    postings = this.#terms.get(term);
    if (postings === undefined) {
      if (!create) return undefined;
      postings = new Postings(this.byId.length, word);
      this.#terms.set(term, postings);
      this.byId.push(postings);
      fileByInitial(this.#byInitial, term, postings);
    }
    if (this.#words.size >= WORD_MEMORY) this.#words.clear();
    this.#words.set(word, postings);
    return postings;
  }
}

/**
 * The correction of a word against the words of several scopes together: a stem's chunks are
 * counted in all of them, and it is written as the first scope that has it writes it.
 */
export function correctIn(scopes: readonly ScopeTerms[], word: string): string | null {
  const known = (term: string): KnownTerm | undefined => {
    let chunks = 0;
    let first: KnownTerm | undefined;
    for (const scope of scopes) {
      const found = scope.known(term);
      if (found === undefined || found.chunks === 0) continue;
      chunks += found.chunks;
      first ??= found;
    }
    return first && { chunks, word: first.word };
  };
  return nearestTerm(word, stem(word), known, function* (initial) {
    for (const scope of scopes) {
      for (const [term] of scope.withInitial(initial)) {
        const merged = known(term);
        if (merged !== undefined) yield [term, merged] as const;
      }
    }
  });
}
