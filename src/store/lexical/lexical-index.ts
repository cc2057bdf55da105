import { Postings, titleCount, wholeCount } from './postings.js';
import { searchWords, stem, STATEMENT_TITLE_STOP_WEIGHT, titleAsks } from './search-text.js';
import { fileByInitial, nearestTerm } from './spelling.js';
import { STOP_WORDS } from './stop-words.js';
import { splitHeadingPath } from '../heading-path.js';

/** A chunk as the index takes it: its fields as the database stores them. */
export interface IndexedChunk {
  chunkId: number;
  documentId: string;
  scope: string;
  title: string;
  /** The heading path as stored, joined. */
  headingPath: string;
  text: string;
  /** The source and address of its document. */
  source: string;
  url: string | null;
}

/** What to look for: the port's lexical query. */
export interface LexicalSearch {
  terms: readonly string[];
  /** Each term's weight, 1 when omitted (see `LexicalQuery.weights`). */
  weights?: readonly number[];
  scopes: readonly string[];
  titleWeight: number;
  limit: number;
  postingBudget: number;
}

/** A chunk that matched, with its score (higher is better) and all of it but its text. */
export interface LexicalMatch {
  chunkId: number;
  score: number;
  documentId: string;
  title: string;
  headingPath: string;
  source: string;
  url: string | null;
}

/** A document of indexed chunks; its fields are shared by them. */
interface IndexedDocument {
  id: string;
  title: string;
  source: string;
  url: string | null;
  docs: number[];
}

// BM25's parameters, as SQLite's FTS5 sets them.
const K1 = 1.2;
const B = 0.75;

/** Words remembered with their postings; past this many the memory starts again. */
const WORD_MEMORY = 200_000;

/** One word of the query: its postings, where it stands, and how many chunks it brings in. */
interface QueryUnit {
  postings: Postings;
  position: number;
  matches: number;
  /** The term's weight (see `LexicalQuery.weights`). */
  weight: number;
  /** A stop word: its title match counts less where the title asks nothing. */
  stop: boolean;
}

/**
 * An inverted index of chunks in memory, ranked by BM25 as SQLite's FTS5 ranks it, so that
 * switching to it changed no result: the same words (Unicode letters and digits, lowercased,
 * diacritics folded, Porter stems), k1 = 1.2 and b = 0.75, an idf that is not positive counted
 * as 1e-6, statistics over every chunk of every scope; once over the whole chunk (title,
 * heading path and text) and once over its title and heading path, the second weighted by the
 * query's `titleWeight`, where a stop word's title match counts only
 * {@link STATEMENT_TITLE_STOP_WEIGHT} unless the title or a heading asks a question, and where
 * one does, with an idf at most its idf among the chunks whose titles ask, times the share of
 * chunks whose titles ask: in a help center where three titles of twenty ask, "what" and "do"
 * in them are rare, yet say nothing of their topic, and "can I" matching the one title "Can I
 * bring a friend?" must not outweigh "cancel" in a passage on cancelling; where every title
 * asks (an FAQ), the question words of a title tell one question from another (FTS5 has none
 * of these rules; PostgreSQL's search has them all). A search reads only the postings of its
 * words: on 10k chunks it takes some tens of microseconds where FTS5 took most of a
 * millisecond. The index keeps every field of a chunk but its text, which stays in the database.
 *
 * Chunks are numbered in the order they are added, which is the order of their ids, so ties
 * go to the older chunk, as in FTS5. Removed chunks leave gaps in the numbering until there
 * are more gaps than chunks; then the numbers are compacted.
 *
 * @example
 * const index = new LexicalIndex();
 * index.add({ chunkId: 1, documentId: 'd', scope: 'kb', title: 'Refunds', headingPath: '',
 *   text: 'Within 30 days.', source: 'faq.md', url: null });
 * index.search({ terms: ['refund'], scopes: ['kb'], titleWeight: 1, limit: 5, postingBudget: 500 });
 */
export class LexicalIndex {
  /** Stem → postings. */
  readonly #terms = new Map<string, Postings>();
  /** Word → the postings of its stem: stemming is most of the cost of indexing a text. */
  readonly #words = new Map<string, Postings>();
  readonly #termsById: Postings[] = [];
  readonly #scopeIds = new Map<string, number>();
  readonly #documents = new Map<string, IndexedDocument>();
  #chunkIds = new Float64Array(1024);
  #scopes = new Int32Array(1024);
  #lengths = new Int32Array(1024);
  #titleLengths = new Int32Array(1024);
  /** 1 where the chunk's title or a heading asks a question (see `titleAsks`). */
  #titleAsks = new Uint8Array(1024);
  /** How many indexed chunks have such a title. */
  #asking = 0;
  #documentOf: Array<IndexedDocument | undefined> = [];
  #headingPaths: string[] = [];
  #chunkTerms: Array<Int32Array | undefined> = [];
  #next = 0;
  #lastChunkId = 0;
  #live = 0;
  #tokens = 0;
  #titleTokens = 0;
  // Scratch space of a search, kept between searches.
  #scores = new Float64Array(1024);
  #titleScores = new Float64Array(1024);
  #seen = new Uint8Array(1024);
  /** Stems by their first letter, for spelling corrections. */
  readonly #byInitial = new Map<string, Array<[string, Postings]>>();
  /** Spelling corrections found since the index last changed: word → correction or null. */
  readonly #corrections = new Map<string, string | null>();

  /** How many chunks are indexed. */
  get size(): number {
    return this.#live;
  }

  /** The greatest chunk id ever added (0 before the first): later chunks must have greater ids. */
  get lastChunkId(): number {
    return this.#lastChunkId;
  }

  /** Each indexed document with the smallest id of its chunks and how many there are. */
  *documents(): Iterable<{ id: string; firstChunkId: number; chunks: number }> {
    for (const document of this.#documents.values()) {
      const first = document.docs[0];
      if (first === undefined) continue;
      yield {
        id: document.id,
        firstChunkId: this.#chunkIds[first] as number,
        chunks: document.docs.length,
      };
    }
  }

  /** Indexes a chunk; its id must be greater than every id already indexed. */
  add(chunk: IndexedChunk): void {
    if (this.#corrections.size > 0) this.#corrections.clear();
    if (this.#next === this.#chunkIds.length) this.#resize(this.#next * 2);
    const doc = this.#next++;
    const found: Postings[] = [];
    const asks = titleAsks(chunk.title, splitHeadingPath(chunk.headingPath));
    let titleLength = this.#count(chunk.title, doc, found, true);
    titleLength += this.#count(chunk.headingPath, doc, found, true);
    const length = titleLength + this.#count(chunk.text, doc, found, false);
    const terms = new Int32Array(found.length);
    for (let i = 0; i < found.length; i++) {
      const postings = found[i] as Postings;
      postings.push(doc, postings.pendingCount, postings.pendingTitleCount, asks);
      postings.pendingDoc = -1;
      terms[i] = postings.id;
    }
    let scope = this.#scopeIds.get(chunk.scope);
    if (scope === undefined) {
      scope = this.#scopeIds.size;
      this.#scopeIds.set(chunk.scope, scope);
    }
    let document = this.#documents.get(chunk.documentId);
    if (document === undefined) {
      document = {
        id: chunk.documentId,
        title: chunk.title,
        source: chunk.source,
        url: chunk.url,
        docs: [],
      };
      this.#documents.set(chunk.documentId, document);
    }
    document.docs.push(doc);
    this.#chunkIds[doc] = chunk.chunkId;
    this.#lastChunkId = Math.max(this.#lastChunkId, chunk.chunkId);
    this.#scopes[doc] = scope;
    this.#lengths[doc] = length;
    this.#titleLengths[doc] = titleLength;
    this.#titleAsks[doc] = asks ? 1 : 0;
    if (asks) this.#asking++;
    this.#chunkTerms[doc] = terms;
    this.#documentOf[doc] = document;
    this.#headingPaths[doc] = chunk.headingPath;
    this.#live++;
    this.#tokens += length;
    this.#titleTokens += titleLength;
  }

  /** Gives back the memory that growing left spare: after indexing many chunks at once. */
  trim(): void {
    for (const postings of this.#termsById) postings.trim();
  }

  /** Takes out every chunk of a document. */
  removeDocument(documentId: string): void {
    const document = this.#documents.get(documentId);
    if (!document) return;
    if (this.#corrections.size > 0) this.#corrections.clear();
    this.#documents.delete(documentId);
    for (const doc of document.docs) {
      const terms = this.#chunkTerms[doc];
      if (!terms) continue;
      const asks = this.#titleAsks[doc] === 1;
      for (const term of terms) this.#termsById[term]?.remove(doc, asks);
      if (asks) this.#asking--;
      this.#chunkTerms[doc] = undefined;
      this.#documentOf[doc] = undefined;
      this.#headingPaths[doc] = '';
      this.#live--;
      this.#tokens -= this.#lengths[doc] as number;
      this.#titleTokens -= this.#titleLengths[doc] as number;
    }
    if (this.#next - this.#live > Math.max(1024, this.#live)) this.#compact();
  }

  /**
   * The best chunks of the wanted scopes for any of the terms, best first. Words join from the
   * rarest while the chunks they bring in stay within the posting budget (the rarest always
   * joins), so a very common word cannot make a search read the whole index; a word given
   * twice (or two words with one stem) counts twice, as two phrases do in FTS5.
   */
  search(query: LexicalSearch): LexicalMatch[] {
    if (this.#live === 0 || query.limit <= 0) return [];
    const units = this.#chosenUnits(query);
    if (units.length === 0) return [];
    const wanted = new Set<number>();
    for (const scope of query.scopes) {
      const id = this.#scopeIds.get(scope);
      if (id !== undefined) wanted.add(id);
    }
    if (wanted.size === 0) return [];

    const rows = this.#live;
    const averageLength = this.#tokens / rows;
    const averageTitleLength = this.#titleTokens / rows;
    const scores = this.#scores;
    const titleScores = this.#titleScores;
    const seen = this.#seen;
    const touched: number[] = [];
    // Term by term in the order FTS5 sums its phrases, so that every score is the same number.
    for (const { postings, weight, stop } of units) {
      const idf = weight * inverseFrequency(rows, postings.length);
      const titleIdf = weight * inverseFrequency(rows, postings.titleLength);
      let askingTitleIdf = titleIdf;
      let statementTitleIdf = titleIdf;
      if (stop) {
        // A question word is as rare in a title as among the titles that ask questions, and
        // says as much as the help center's titles are questions.
        askingTitleIdf =
          Math.min(titleIdf, weight * inverseFrequency(this.#asking, postings.askingTitleLength)) *
          (this.#asking / rows);
        statementTitleIdf = titleIdf * STATEMENT_TITLE_STOP_WEIGHT;
      }
      const { docs, counts } = postings;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] as number;
        if (seen[doc] === 0) {
          seen[doc] = 1;
          scores[doc] = 0;
          titleScores[doc] = 0;
          touched.push(doc);
        }
        const packed = counts[i] as number;
        scores[doc] =
          (scores[doc] as number) +
          bm25(idf, wholeCount(packed), this.#lengths[doc] as number, averageLength);
        const inTitle = titleCount(packed);
        if (inTitle > 0) {
          titleScores[doc] =
            (titleScores[doc] as number) +
            bm25(
              this.#titleAsks[doc] === 1 ? askingTitleIdf : statementTitleIdf,
              inTitle,
              this.#titleLengths[doc] as number,
              averageTitleLength,
            );
        }
      }
    }

    const top = new TopChunks(query.limit);
    for (const doc of touched) {
      seen[doc] = 0;
      if (!wanted.has(this.#scopes[doc] as number)) continue;
      top.offer(doc, (scores[doc] as number) + query.titleWeight * (titleScores[doc] as number));
    }
    return top.best().map(({ doc, score }) => {
      const document = this.#documentOf[doc] as IndexedDocument;
      return {
        chunkId: this.#chunkIds[doc] as number,
        score,
        documentId: document.id,
        title: document.title,
        headingPath: this.#headingPaths[doc] as string,
        source: document.source,
        url: document.url,
      };
    });
  }

  /**
   * Spelling corrections of the words no indexed chunk has: each such word of five letters or
   * more (see `allowedEdits`) that is one edit (two from nine letters) from an indexed word is
   * corrected to the nearest with the same first letter, the most common of equals ("pasword"
   * → "password"). Words the index has, shorter words and words with digits are left alone, as
   * are words nothing is near. Returns only the words corrected.
   *
   * @example
   * index.correct(['pasword', 'reset']); // Map { 'pasword' => 'password' }
   */
  correct(words: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const word of words) {
      let correction = this.#corrections.get(word);
      if (correction === undefined) {
        correction = this.#nearest(word);
        if (this.#corrections.size >= 10_000) this.#corrections.clear();
        this.#corrections.set(word, correction);
      }
      if (correction !== null) out.set(word, correction);
    }
    return out;
  }

  #nearest(word: string): string | null {
    return nearestTerm(word, stem(word), (term) => this.#terms.get(term), this.#byInitial);
  }

  #chosenUnits(query: LexicalSearch): QueryUnit[] {
    const units: QueryUnit[] = [];
    query.terms.forEach((term, position) => {
      for (const word of searchWords(term)) {
        const postings = this.#postingsOf(word, false);
        // A word no chunk has adds nothing to any score, and costs nothing of the budget.
        if (postings === undefined || postings.length === 0) continue;
        // FTS5 counted at most budget + 1 matches of each word; the order of words whose
        // counts were cut the same stays the order of the question.
        const matches = Math.min(postings.length, query.postingBudget + 1);
        const weight = query.weights?.[position] ?? 1;
        units.push({
          postings,
          position,
          matches,
          weight: Number.isFinite(weight) && weight > 0 ? weight : 1,
          stop: STOP_WORDS.has(word),
        });
      }
    });
    units.sort((a, b) => a.matches - b.matches || a.position - b.position);
    const chosen: QueryUnit[] = [];
    let used = 0;
    for (const unit of units) {
      if (chosen.length > 0 && used + unit.matches > query.postingBudget) break;
      chosen.push(unit);
      used += unit.matches;
    }
    return chosen;
  }

  /** Counts the words of a field of chunk `doc` on their postings; returns how many words. */
  #count(text: string, doc: number, found: Postings[], title: boolean): number {
    const words = searchWords(text);
    for (const word of words) {
      const postings = this.#postingsOf(word, true) as Postings;
      if (postings.pendingDoc !== doc) {
        postings.pendingDoc = doc;
        postings.pendingCount = 0;
        postings.pendingTitleCount = 0;
        found.push(postings);
      }
      postings.pendingCount++;
      if (title) postings.pendingTitleCount++;
    }
    return words.length;
  }

  #postingsOf(word: string, create: boolean): Postings | undefined {
    let postings = this.#words.get(word);
    if (postings !== undefined) return postings;
    const term = stem(word);
    postings = this.#terms.get(term);
    if (postings === undefined) {
      if (!create) return undefined;
      postings = new Postings(this.#termsById.length, word);
      this.#terms.set(term, postings);
      this.#termsById.push(postings);
      fileByInitial(this.#byInitial, term, postings);
    }
    if (this.#words.size >= WORD_MEMORY) this.#words.clear();
    this.#words.set(word, postings);
    return postings;
  }

  #resize(capacity: number): void {
    const keep = Math.min(this.#next, capacity);
    const chunkIds = new Float64Array(capacity);
    chunkIds.set(this.#chunkIds.subarray(0, keep));
    const scopes = new Int32Array(capacity);
    scopes.set(this.#scopes.subarray(0, keep));
    const lengths = new Int32Array(capacity);
    lengths.set(this.#lengths.subarray(0, keep));
    const titleLengths = new Int32Array(capacity);
    titleLengths.set(this.#titleLengths.subarray(0, keep));
    const asks = new Uint8Array(capacity);
    asks.set(this.#titleAsks.subarray(0, keep));
    this.#chunkIds = chunkIds;
    this.#scopes = scopes;
    this.#lengths = lengths;
    this.#titleLengths = titleLengths;
    this.#titleAsks = asks;
    this.#scores = new Float64Array(capacity);
    this.#titleScores = new Float64Array(capacity);
    this.#seen = new Uint8Array(capacity);
  }

  /** Numbers the chunks again without the gaps that removed ones left. */
  #compact(): void {
    const renumber = new Int32Array(this.#next).fill(-1);
    let next = 0;
    for (let doc = 0; doc < this.#next; doc++) {
      if (this.#chunkTerms[doc] === undefined) continue;
      const to = next++;
      renumber[doc] = to;
      this.#chunkIds[to] = this.#chunkIds[doc] as number;
      this.#scopes[to] = this.#scopes[doc] as number;
      this.#lengths[to] = this.#lengths[doc] as number;
      this.#titleLengths[to] = this.#titleLengths[doc] as number;
      this.#titleAsks[to] = this.#titleAsks[doc] as number;
      this.#chunkTerms[to] = this.#chunkTerms[doc];
      this.#documentOf[to] = this.#documentOf[doc];
      this.#headingPaths[to] = this.#headingPaths[doc] as string;
    }
    this.#chunkTerms.length = next;
    this.#documentOf.length = next;
    this.#headingPaths.length = next;
    for (const postings of this.#termsById) postings.renumber(renumber);
    for (const document of this.#documents.values()) {
      document.docs = document.docs.map((doc) => renumber[doc] as number);
    }
    this.#next = next;
    this.#resize(Math.max(1024, next * 2));
  }
}

/** FTS5's idf: ln((N − n + 0.5) / (n + 0.5)), and 1e-6 when that is not positive. */
function inverseFrequency(rows: number, matches: number): number {
  const idf = Math.log((rows - matches + 0.5) / (matches + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

/** One term's share of a chunk's score, in FTS5's order of operations. */
function bm25(idf: number, count: number, length: number, averageLength: number): number {
  return (idf * (count * (K1 + 1.0))) / (count + K1 * (1 - B + (B * length) / averageLength));
}

/** The best `limit` chunks offered, by score and then by age (older first). */
class TopChunks {
  readonly #limit: number;
  readonly #items: Array<{ doc: number; score: number }> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  offer(doc: number, score: number): void {
    const items = this.#items;
    if (items.length === this.#limit) {
      const worst = items[items.length - 1] as { doc: number; score: number };
      if (score < worst.score || (score === worst.score && doc > worst.doc)) return;
      items.pop();
    }
    let at = items.length;
    while (at > 0) {
      const before = items[at - 1] as { doc: number; score: number };
      if (before.score > score || (before.score === score && before.doc < doc)) break;
      at--;
    }
    items.splice(at, 0, { doc, score });
  }

  best(): Array<{ doc: number; score: number }> {
    return this.#items;
  }
}
