import { titleCount, wholeCount, type Postings } from './postings.js';
import { chosenUnits } from './query-units.js';
import { correctIn, ScopeTerms } from './scope-terms.js';
import { searchWords, STATEMENT_TITLE_STOP_WEIGHT, titleAsks } from './search-text.js';
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
  /**
   * {@link headingPath} as its headings, split once when the chunk was indexed: shared by every
   * search that finds the chunk, so never changed.
   */
  headings: readonly string[];
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

const NO_HEADINGS: readonly string[] = Object.freeze([]);

// BM25's parameters, as SQLite's FTS5 sets them.
const K1 = 1.2;
const B = 0.75;

/**
 * An inverted index of chunks in memory, ranked by BM25 as SQLite's FTS5 ranks it, so that
 * switching to it changed no result: the same words (Unicode letters and digits, lowercased,
 * diacritics folded, Porter stems), k1 = 1.2 and b = 0.75, an idf that is not positive counted
 * as 1e-6; once over the whole chunk (title, heading path and text) and once over its title and
 * heading path, the second weighted by the query's `titleWeight`, where a stop word's title
 * match counts only {@link STATEMENT_TITLE_STOP_WEIGHT} unless the title or a heading asks a
 * question, and where one does, with an idf at most its idf among the chunks whose titles ask,
 * times the share of chunks whose titles ask: in a help center where three titles of twenty
 * ask, "what" and "do" in them are rare, yet say nothing of their topic, and "can I" matching
 * the one title "Can I bring a friend?" must not outweigh "cancel" in a passage on cancelling;
 * where every title asks (an FAQ), the question words of a title tell one question from another
 * (FTS5 has none of these rules; PostgreSQL's search has them all). A search reads only the
 * postings of its words: on 10k chunks it takes some tens of microseconds where FTS5 took most
 * of a millisecond. The index keeps every field of a chunk but its text, which stays in the
 * database.
 *
 * Each scope keeps its own terms, postings and counts (see {@link ScopeTerms}), and a search
 * reads only those of the scopes it searches: its document frequencies, lengths, posting budget
 * and spelling vocabulary are those of the searched scopes' chunks, and it ranks exactly as an
 * index of those chunks alone would. A search of the help center is thus the same whatever any
 * session attached, and one of the help center and a session's attachments depends on no other
 * session's (a file of a few hundred copies of "refund" once made every session's refund
 * questions go unanswered, its postings crowding "refund" out of their budget).
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
  /** Each scope's terms and counts; a scope is forgotten once it has no chunk left. */
  readonly #scopes = new Map<string, ScopeTerms>();
  readonly #documents = new Map<string, IndexedDocument>();
  #chunkIds = new Float64Array(1024);
  #lengths = new Int32Array(1024);
  #titleLengths = new Int32Array(1024);
  /** 1 where the chunk's title or a heading asks a question (see `titleAsks`). */
  #titleAsks = new Uint8Array(1024);
  #scopeOf: Array<ScopeTerms | undefined> = [];
  #documentOf: Array<IndexedDocument | undefined> = [];
  #headingPaths: string[] = [];
  /** Each chunk's heading path split, as every search would otherwise split it again. */
  #headings: Array<readonly string[]> = [];
  /** The ids of each chunk's postings, in its scope (see `ScopeTerms.byId`). */
  #chunkTerms: Array<Int32Array | undefined> = [];
  #next = 0;
  #lastChunkId = 0;
  #live = 0;
  // Scratch space of a search, kept between searches.
  #scores = new Float64Array(1024);
  #titleScores = new Float64Array(1024);
  #seen = new Uint8Array(1024);

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
    if (this.#next === this.#chunkIds.length) this.#resize(this.#next * 2);
    let scope = this.#scopes.get(chunk.scope);
    if (scope === undefined) {
      scope = new ScopeTerms(chunk.scope);
      this.#scopes.set(chunk.scope, scope);
    }
    const doc = this.#next++;
    const found: Postings[] = [];
    const headings = splitHeadingPath(chunk.headingPath);
    const asks = titleAsks(chunk.title, headings);
    let titleLength = count(scope, chunk.title, doc, found, true);
    titleLength += count(scope, chunk.headingPath, doc, found, true);
    const length = titleLength + count(scope, chunk.text, doc, found, false);
    const terms = new Int32Array(found.length);
    for (let i = 0; i < found.length; i++) {
      const postings = found[i] as Postings;
      postings.push(doc, postings.pendingCount, postings.pendingTitleCount, asks);
      postings.pendingDoc = -1;
      terms[i] = postings.id;
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
    this.#lengths[doc] = length;
    this.#titleLengths[doc] = titleLength;
    this.#titleAsks[doc] = asks ? 1 : 0;
    this.#chunkTerms[doc] = terms;
    this.#scopeOf[doc] = scope;
    this.#documentOf[doc] = document;
    this.#headingPaths[doc] = chunk.headingPath;
    this.#headings[doc] = headings;
    this.#live++;
    scope.added(length, titleLength, asks);
  }

  /** Gives back the memory that growing left spare: after indexing many chunks at once. */
  trim(): void {
    for (const scope of this.#scopes.values()) {
      for (const postings of scope.byId) postings.trim();
    }
  }

  /** Takes out every chunk of a document. */
  removeDocument(documentId: string): void {
    const document = this.#documents.get(documentId);
    if (!document) return;
    this.#documents.delete(documentId);
    for (const doc of document.docs) {
      const terms = this.#chunkTerms[doc];
      const scope = this.#scopeOf[doc];
      if (!terms || !scope) continue;
      const asks = this.#titleAsks[doc] === 1;
      for (const term of terms) scope.byId[term]?.remove(doc, asks);
      scope.removed(this.#lengths[doc] as number, this.#titleLengths[doc] as number, asks);
      // A session's words go with its last attachment: sessions come and go by the thousand.
      if (scope.chunks === 0 && this.#scopes.get(scope.name) === scope) {
        this.#scopes.delete(scope.name);
      }
      this.#chunkTerms[doc] = undefined;
      this.#scopeOf[doc] = undefined;
      this.#documentOf[doc] = undefined;
      this.#headingPaths[doc] = '';
      this.#headings[doc] = NO_HEADINGS;
      this.#live--;
    }
    if (this.#next - this.#live > Math.max(1024, this.#live)) this.#compact();
  }

  /**
   * The best chunks of the wanted scopes for any of the terms, best first, ranked on the
   * statistics of the wanted scopes' chunks alone. Words join from the rarest in those chunks
   * while the chunks they bring in stay within the posting budget (the rarest always joins), so
   * a very common word cannot make a search read the whole index; a word given twice (or two
   * words with one stem) counts twice, as two phrases do in FTS5.
   */
  search(query: LexicalSearch): LexicalMatch[] {
    if (this.#live === 0 || query.limit <= 0) return [];
    const scopes = this.#scopesOf(query.scopes);
    if (scopes.length === 0) return [];
    const units = chosenUnits(query, scopes);
    if (units.length === 0) return [];

    let rows = 0;
    let tokens = 0;
    let titleTokens = 0;
    let asking = 0;
    for (const scope of scopes) {
      rows += scope.chunks;
      tokens += scope.tokens;
      titleTokens += scope.titleTokens;
      asking += scope.asking;
    }
    const averageLength = tokens / rows;
    const averageTitleLength = titleTokens / rows;
    const scores = this.#scores;
    const titleScores = this.#titleScores;
    const seen = this.#seen;
    // Read once: the loop below runs for every posting of every word, a few thousand a search.
    const lengths = this.#lengths;
    const titleLengths = this.#titleLengths;
    const titleAsks = this.#titleAsks;
    const touched: number[] = [];
    // Term by term in the order FTS5 sums its phrases, so that every score is the same number
    // (a chunk is in one scope: the scopes of a term add nothing to one another's chunks).
    for (const unit of units) {
      const { weight } = unit;
      const idf = weight * inverseFrequency(rows, unit.length);
      const titleIdf = weight * inverseFrequency(rows, unit.titleLength);
      let askingTitleIdf = titleIdf;
      let statementTitleIdf = titleIdf;
      if (unit.stop) {
        // A question word is as rare in a title as among the titles that ask questions, and
        // says as much as the help center's titles are questions.
        askingTitleIdf =
          Math.min(titleIdf, weight * inverseFrequency(asking, unit.askingTitleLength)) *
          (asking / rows);
        statementTitleIdf = titleIdf * STATEMENT_TITLE_STOP_WEIGHT;
      }
      for (const { docs, counts } of unit.postings) {
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
            bm25(idf, wholeCount(packed), lengths[doc] as number, averageLength);
          const inTitle = titleCount(packed);
          if (inTitle > 0) {
            titleScores[doc] =
              (titleScores[doc] as number) +
              bm25(
                titleAsks[doc] === 1 ? askingTitleIdf : statementTitleIdf,
                inTitle,
                titleLengths[doc] as number,
                averageTitleLength,
              );
          }
        }
      }
    }

    const top = new TopChunks(query.limit);
    for (const doc of touched) {
      seen[doc] = 0;
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
        headings: this.#headings[doc] as readonly string[],
        source: document.source,
        url: document.url,
      };
    });
  }

  /**
   * Spelling corrections of the words no chunk of `scopes` has, against the words those chunks
   * have: each such word of five letters or more (see `allowedEdits`) that is one edit (two
   * from nine letters) from one of their words is corrected to the nearest with the same first
   * letter, the most common of equals ("pasword" → "password"). Words they have, shorter words
   * and words with digits are left alone, as are words nothing is near. Returns only the words
   * corrected. Only the chunks of `scopes` count, so that no word of another session's
   * attachment can show through a correction.
   *
   * @example
   * index.correct(['pasword', 'reset'], ['kb']); // Map { 'pasword' => 'password' }
   */
  correct(words: readonly string[], scopes: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    const searched = this.#scopesOf(scopes);
    if (searched.length === 0) return out;
    for (const word of words) {
      const correction =
        searched.length === 1
          ? (searched[0] as ScopeTerms).correct(word)
          : correctIn(searched, word);
      if (correction !== null) out.set(word, correction);
    }
    return out;
  }

  /** The indexed scopes of these names, each once, in their order. */
  #scopesOf(names: readonly string[]): ScopeTerms[] {
    const scopes: ScopeTerms[] = [];
    for (const name of names) {
      const scope = this.#scopes.get(name);
      if (scope !== undefined && !scopes.includes(scope)) scopes.push(scope);
    }
    return scopes;
  }

  #resize(capacity: number): void {
    const keep = Math.min(this.#next, capacity);
    const chunkIds = new Float64Array(capacity);
    chunkIds.set(this.#chunkIds.subarray(0, keep));
    const lengths = new Int32Array(capacity);
    lengths.set(this.#lengths.subarray(0, keep));
    const titleLengths = new Int32Array(capacity);
    titleLengths.set(this.#titleLengths.subarray(0, keep));
    const asks = new Uint8Array(capacity);
    asks.set(this.#titleAsks.subarray(0, keep));
    this.#chunkIds = chunkIds;
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
      this.#lengths[to] = this.#lengths[doc] as number;
      this.#titleLengths[to] = this.#titleLengths[doc] as number;
      this.#titleAsks[to] = this.#titleAsks[doc] as number;
      this.#chunkTerms[to] = this.#chunkTerms[doc];
      this.#scopeOf[to] = this.#scopeOf[doc];
      this.#documentOf[to] = this.#documentOf[doc];
      this.#headingPaths[to] = this.#headingPaths[doc] as string;
      this.#headings[to] = this.#headings[doc] as readonly string[];
    }
    this.#chunkTerms.length = next;
    this.#scopeOf.length = next;
    this.#documentOf.length = next;
    this.#headingPaths.length = next;
    this.#headings.length = next;
    for (const scope of this.#scopes.values()) {
      for (const postings of scope.byId) postings.renumber(renumber);
    }
    for (const document of this.#documents.values()) {
      document.docs = document.docs.map((doc) => renumber[doc] as number);
    }
    this.#next = next;
    this.#resize(Math.max(1024, next * 2));
  }
}

/** Counts the words of a field of chunk `doc` on their postings; returns how many words. */
function count(
  scope: ScopeTerms,
  text: string,
  doc: number,
  found: Postings[],
  title: boolean,
): number {
  const words = searchWords(text);
  for (const word of words) {
    const postings = scope.postingsToAdd(word);
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
