import type { ChunkHit, KnowledgeRepository } from '../../store/knowledge-repository.js';
import { HELP_CENTER_SCOPE } from '../../store/lexical/spelling.js';
import { reciprocalRankFusion } from '../dense/fusion.js';
import type { EmbedTexts } from '../dense/vectorize.js';
import type { VectorIndex } from '../../store/vector-index.js';
import { snippet, TermMatcher } from './highlight.js';
import { queryTerms, respell, type QueryTerms } from './query-terms.js';
import { Synonyms } from './synonyms.js';
import { ageForms, isNumberWord, numberForms } from './number-words.js';
import { slipsOnly } from './english-words.js';

/** Settings of a {@link Retriever}. */
export interface RetrieverSettings {
  /** Results to return. */
  topK: number;
  /** At most this many chunks of one document in the results. */
  maxPerDocument: number;
  /** Weight of the title field over the whole chunk. */
  titleWeight: number;
  /** Candidates fetched before the per-document cap and the floor. */
  candidates: number;
  /** Matching chunks one query may score at most (see `LexicalQuery.postingBudget`). */
  postingBudget: number;
}

/** A chunk as the knowledge base answers a question with it. */
export interface RetrievedChunk extends ChunkHit {
  /** An HTML-escaped passage with the matched words in `<mark>`. */
  snippet: string;
}

/** The answer of a search. */
export interface SearchResult {
  mode: 'lexical' | 'hybrid';
  hits: RetrievedChunk[];
  /** Why there are no hits, when there are none. */
  reason?: 'no_searchable_words' | 'nothing_relevant';
  /** Set when dense retrieval is configured but could not be used for this search. */
  degraded?: 'dense_unavailable';
  /** Words of the query searched in another spelling ("pasword" as "password"). */
  spelling?: Array<{ from: string; to: string }>;
  /**
   * Words searched at a weight of their own, each for a word or phrase of the query: words
   * beside the query's own ("broken": "damaged"), and the query's own words that are part of a
   * phrase ("send it back": "send", "back"), weighed down (see `Synonyms`). The query's own
   * words weigh 1.
   */
  related?: Array<{ from: string; to: string; weight: number }>;
}

/** Dense retrieval, when an embeddings service is configured. */
export interface DenseRetrieval {
  embed: EmbedTexts;
  index: VectorIndex;
  /** Largest cosine distance at which a passage still counts as relevant. */
  maxDistance: number;
}

/** Options of one search. */
export interface SearchOptions {
  /** Scopes to search; the knowledge base by default. */
  scopes?: string[];
  /** Overrides the configured number of results. */
  topK?: number;
  /** Keep hits that match only question words (for evaluating the ranking itself). */
  noFloor?: boolean;
  signal?: AbortSignal;
}

/** Default settings, measured on the CovidFAQ set (see README). */
export const DEFAULT_RETRIEVER_SETTINGS: RetrieverSettings = {
  topK: 5,
  maxPerDocument: 3,
  titleWeight: 3,
  candidates: 20,
  postingBudget: 500,
};

/**
 * Searches the knowledge base: BM25 over the whole chunk plus its title field, at most
 * `maxPerDocument` chunks of one document (those that hold a word of the question first), and a
 * relevance floor — some hit must share a content word (not only question words such as "how"
 * or "what") with the question — so that "nothing relevant" is a possible answer.
 *
 * @example
 * const result = await retriever.search('How do I reset my password?');
 * for (const hit of result.hits) console.log(hit.title, hit.snippet);
 */
export class Retriever {
  constructor(
    private readonly repo: KnowledgeRepository,
    readonly settings: RetrieverSettings = DEFAULT_RETRIEVER_SETTINGS,
    private readonly dense?: DenseRetrieval,
    private readonly synonyms: Synonyms = Synonyms.default,
  ) {}

  /** `lexical`, or `hybrid` when dense retrieval is configured. */
  get mode(): 'lexical' | 'hybrid' {
    return this.dense ? 'hybrid' : 'lexical';
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    if (this.dense && query.trim() !== '') {
      const hybrid = await this.#searchHybrid(query, this.dense, options);
      if (hybrid) return hybrid;
      return { ...(await this.#searchLexical(query, options)), degraded: 'dense_unavailable' };
    }
    return this.#searchLexical(query, options);
  }

  /**
   * Lexical and dense rankings fused by reciprocal rank. Relevant when the lexical floor passes
   * or a passage is close enough in meaning. `null` when the question could not be embedded.
   */
  async #searchHybrid(
    query: string,
    dense: DenseRetrieval,
    options: SearchOptions,
  ): Promise<SearchResult | null> {
    const vectors = await dense.embed([query], options.signal);
    const vector = vectors?.[0];
    if (!vector) return null;
    const scopes = options.scopes ?? [HELP_CENTER_SCOPE];
    const { terms, weights, contentTerms, ownTerms, spelling, related } = await this.#terms(
      query,
      scopes,
    );
    const notes = {
      ...(spelling.length > 0 ? { spelling } : {}),
      ...(related.length > 0 ? { related } : {}),
    };
    const topK = options.topK ?? this.settings.topK;
    const limit = Math.max(this.settings.candidates, topK * 4);
    const lexical =
      terms.length === 0
        ? []
        : await this.repo.searchLexical({
            terms,
            weights,
            scopes,
            limit,
            titleWeight: this.settings.titleWeight,
            postingBudget: this.settings.postingBudget,
          });
    // Over-fetch: the index knows nothing of scopes, and other scopes' passages are dropped.
    const near = await dense.index.search(vector, { limit: limit * 4 });
    const distance = new Map(near.map((hit) => [hit.chunkId, hit.distance]));
    const semantic = (
      await this.repo.chunksByIds(
        near.map((hit) => hit.chunkId),
        scopes,
      )
    ).slice(0, limit);

    const content = new TermMatcher(contentTerms);
    const texts = new LowerTexts();
    const close = semantic.some((hit) => (distance.get(hit.chunkId) ?? 2) <= dense.maxDistance);
    const lexicalRelevant = lexical
      .slice(0, FLOOR_DEPTH)
      .some((hit) => matches(hit, content, texts));
    if (!options.noFloor && !close && !lexicalRelevant) {
      return { mode: 'hybrid', hits: [], reason: 'nothing_relevant', ...notes };
    }
    // With meaning to rank by, passages found only through question words ("can", "how") are
    // noise, not evidence: they stay out of the fusion.
    const evidence = lexical.filter((hit) => matches(hit, content, texts));
    const fused = reciprocalRankFusion([evidence, semantic]).map(({ item, score }) => ({
      ...item,
      score,
    }));
    const hits = capPerDocument(
      fused,
      this.settings.maxPerDocument,
      new TermMatcher(ownTerms),
      topK,
      texts,
    ).map((hit) => toRetrieved(hit, content));
    return { mode: 'hybrid', hits, ...notes };
  }

  async #searchLexical(query: string, options: SearchOptions): Promise<SearchResult> {
    const scopes = options.scopes ?? [HELP_CENTER_SCOPE];
    const { terms, weights, contentTerms, ownTerms, spelling, related } = await this.#terms(
      query,
      scopes,
    );
    if (terms.length === 0 || (contentTerms.length === 0 && !options.noFloor)) {
      return { mode: 'lexical', hits: [], reason: 'no_searchable_words' };
    }
    const notes = {
      ...(spelling.length > 0 ? { spelling } : {}),
      ...(related.length > 0 ? { related } : {}),
    };
    options.signal?.throwIfAborted();
    const topK = options.topK ?? this.settings.topK;
    const candidates = await this.repo.searchLexical({
      terms,
      weights,
      scopes,
      limit: Math.max(this.settings.candidates, topK * 4),
      titleWeight: this.settings.titleWeight,
      postingBudget: this.settings.postingBudget,
    });
    const content = new TermMatcher(contentTerms);
    const texts = new LowerTexts();
    // The floor decides for the whole answer, not per hit: when none of the best candidates
    // shares a content word with the question, nothing is relevant. Otherwise the ranking stands as it is, since
    // question words alone do find the right FAQ entry below others (cutting such hits one by
    // one cost 0.04 nDCG@10 on the CovidFAQ set).
    if (
      !options.noFloor &&
      !candidates.slice(0, FLOOR_DEPTH).some((hit) => matches(hit, content, texts))
    ) {
      return { mode: 'lexical', hits: [], reason: 'nothing_relevant', ...notes };
    }
    const kept = capPerDocument(
      candidates,
      this.settings.maxPerDocument,
      new TermMatcher(ownTerms),
      topK,
      texts,
    );
    const hits = coverOwnWords(kept, candidates, ownTerms, topK, texts).map((hit) =>
      toRetrieved(hit, content),
    );
    return { mode: 'lexical', hits, ...notes };
  }

  /**
   * The query's terms, with the content words no passage has put in the spelling passages use
   * (see `KnowledgeRepository.correctSpelling`), then the related words of the (corrected) query
   * (see `Synonyms`) after them, at their weight; the corrections and related words used.
   */
  async #terms(
    query: string,
    scopes: readonly string[],
  ): Promise<
    QueryTerms & {
      weights: number[];
      /**
       * The content words of the query itself (spelling corrected), without related words but
       * with a phrase's meaning in place of its own words (see {@link ownMeaning}).
       */
      ownTerms: string[];
      spelling: Array<{ from: string; to: string }>;
      related: Array<{ from: string; to: string; weight: number }>;
    }
  > {
    const found = queryTerms(query);
    if (found.contentTerms.length === 0) {
      return {
        ...found,
        weights: found.terms.map(() => 1),
        ownTerms: [],
        spelling: [],
        related: [],
      };
    }
    // A word the synonyms know is the customer's word for one of the help center's, not a typo;
    // so is a word of a phrase they know ("the wrong house"), which corrected ("hours") would
    // no longer say what the phrase says.
    const ofQuery = this.synonyms.related(query);
    const inPhrase = new Set(ofQuery.flatMap((r) => r.from.split(' ')));
    const corrected = await this.#withoutOwnWords(
      await this.repo.correctSpelling(
        found.contentTerms.filter(
          (word) =>
            !this.synonyms.knows(word) &&
            !inPhrase.has(word) &&
            !INFORMAL.has(word) &&
            !CALENDAR.has(word) &&
            !isNumberWord(word),
        ),
      ),
      scopes,
    );
    const fixes = slipsOnly(corrected);
    const fix = (term: string) => fixes.get(term) ?? term;
    const spelling = [...fixes].map(([from, to]) => ({ from, to }));
    const terms = fixes.size === 0 ? found.terms : [...new Set(found.terms.map(fix))];
    const contentTerms =
      fixes.size === 0 ? found.contentTerms : [...new Set(found.contentTerms.map(fix))];
    const respelt = respell(query, spelling);
    // Nothing respelt: the related words are those of the query, already found.
    const related = [
      ...(fixes.size === 0 ? ofQuery : this.synonyms.related(respelt)),
      ...numberForms(respelt),
      ...ageForms(respelt),
    ].slice(0, MAX_RELATED);
    // A word of the query's own keeps its place, at the weight given to it; one the query's
    // terms left out (past MAX_QUERY_TERMS) stays out.
    const weightOf = new Map(related.map((r) => [r.term, r.weight]));
    const added = related.filter((r) => !r.own && !terms.includes(r.term));
    return {
      terms: [...terms, ...added.map((r) => r.term)],
      weights: [...terms.map((t) => weightOf.get(t) ?? 1), ...added.map((r) => r.weight)],
      contentTerms: [...contentTerms, ...added.map((r) => r.term)],
      ownTerms: ownMeaning(contentTerms, related),
      spelling,
      related: related.map((r) => ({ from: r.from, to: r.term, weight: r.weight })),
    };
  }

  /**
   * `fixes` without the corrections of words that a searched scope other than the help center
   * has. Spelling is corrected against the help center's words alone, so that no other
   * customer's attachment shows through a correction; a word of the customer's own attachment
   * ("Zendrix" in their invoice) is then no typo, and must be searched as written.
   */
  async #withoutOwnWords(
    fixes: Map<string, string>,
    scopes: readonly string[],
  ): Promise<Map<string, string>> {
    const own = scopes.filter((scope) => scope !== HELP_CENTER_SCOPE);
    if (fixes.size === 0 || own.length === 0) return fixes;
    const written = await Promise.all(
      [...fixes.keys()].map(async (word) => {
        const hits = await this.repo.searchLexical({
          terms: [word],
          scopes: own,
          limit: 1,
          titleWeight: 0,
          postingBudget: this.settings.postingBudget,
        });
        return hits.length > 0;
      }),
    );
    return new Map([...fixes].filter((_, i) => !written[i]));
  }
}

/**
 * The words that say what the question itself asks, for keeping a document's passages (see
 * {@link capPerDocument}): its content words, but of a phrase read as a whole ("send back": a
 * return) what the phrase means ("return") in place of its own words ("send", "back"), which
 * mean something else alone ("We send a replacement …").
 */
function ownMeaning(
  contentTerms: readonly string[],
  related: ReadonlyArray<{ term: string; from: string; own?: true }>,
): string[] {
  const phrases = new Set(related.filter((r) => r.own).map((r) => r.from));
  if (phrases.size === 0) return [...contentTerms];
  const inPhrase = new Set(related.filter((r) => r.own).map((r) => r.term));
  const meaning = related.filter((r) => !r.own && phrases.has(r.from)).map((r) => r.term);
  return [...new Set([...contentTerms.filter((t) => !inPhrase.has(t)), ...meaning])];
}

/**
 * At most this many related words are searched with one query, on top of the query's own terms
 * (at most `MAX_QUERY_TERMS`).
 */
const MAX_RELATED = 16;

/**
 * Everyday words of chat that a help center rarely writes, which are no slips of the help
 * center's words one letter away: "carry my stuff" is not "carry my staff", and then "member"
 * of "member of staff".
 */
const INFORMAL = new Set(['stuff', 'gonna', 'wanna', 'gotta', 'kinda', 'sorta', 'dunno']);

/**
 * The names of months and days, which a customer writes of when something happens ("turning 21
 * in march", "it's due on wednesday") and a help center seldom does: no slips of its words, as
 * "march" corrected to "match" searched what matches.
 */
const CALENDAR = new Set(
  `january february march april may june july august september october november december
  monday tuesday wednesday thursday friday saturday sunday`.split(/\s+/),
);

/** How deep the relevance floor looks: the passages an answer could be built from. */
const FLOOR_DEPTH = 10;

/**
 * The passages' texts in lower case, each made once a search: one passage is tested for the
 * question's content words, for each of its own words and for the per-document cap, and
 * lowercasing a whole passage again for each test was most of the cost of testing it.
 */
class LowerTexts {
  readonly #lower = new Map<ChunkHit, string>();

  of(hit: ChunkHit): string {
    let lower = this.#lower.get(hit);
    if (lower === undefined) {
      lower = hit.text.toLowerCase();
      this.#lower.set(hit, lower);
    }
    return lower;
  }
}

/** Whether `matcher` matches a word of the passage's text, lowercased once by `texts`. */
function textMatches(hit: ChunkHit, matcher: TermMatcher, texts: LowerTexts): boolean {
  return !matcher.empty && matcher.testLowercase(texts.of(hit));
}

function matches(hit: ChunkHit, content: TermMatcher, texts: LowerTexts): boolean {
  return (
    content.test(hit.title) ||
    hit.headingPath.some((h) => content.test(h)) ||
    textMatches(hit, content, texts)
  );
}

/**
 * The most words of its own a question may have for {@link coverOwnWords} to apply: in a short
 * question every word says what it is about; in a longer one a word no passage kept speaks of is
 * as often its circumstances ("on a whim", "road trip"). Measured on the help centers of
 * test/answer-quality.test.ts: with no limit, 6 answers right of 489 became wrong and 6 wrong
 * ones right; up to 3 words, none of either but the one below.
 */
const COVERED_WORDS = 3;

/**
 * `kept`, with each word of the question's own (`own`) that none of them holds but a passage
 * ranked below the cut does held too: the passage among those that holds the most of the
 * question's words (the best ranked of equals) takes the place of the last kept one whose words
 * the others hold as well. A title word many passages share outranks a rarer word in a body
 * ("order" of "Managing your order" over "express" of "Express delivery takes 1 to 2 business
 * days", for "when will my express order arrive?"): the word the question names that no kept
 * passage speaks of is likely what it is about.
 */
function coverOwnWords(
  kept: readonly ChunkHit[],
  candidates: readonly ChunkHit[],
  own: readonly string[],
  limit: number,
  texts: LowerTexts,
): ChunkHit[] {
  const out = [...kept];
  if (own.length < 2 || own.length > COVERED_WORDS || out.length === 0) return out;
  const matchers = own.map((term) => new TermMatcher([term]));
  // Each word of each passage is read when first asked for: most passages hold none of the
  // question's words, and of one that does not hold the word sought, the others never count.
  const held = new Map<ChunkHit, Array<boolean | undefined>>();
  const holds = (hit: ChunkHit, k: number): boolean => {
    let words = held.get(hit);
    if (words === undefined) {
      words = [];
      held.set(hit, words);
    }
    return (words[k] ??= matches(hit, matchers[k] as TermMatcher, texts));
  };
  const count = (hit: ChunkHit) => {
    let n = 0;
    for (let j = 0; j < own.length; j++) if (holds(hit, j)) n++;
    return n;
  };
  for (let k = 0; k < own.length; k++) {
    if (out.some((hit) => holds(hit, k))) continue;
    let best: ChunkHit | undefined;
    for (const hit of candidates) {
      if (out.includes(hit) || !holds(hit, k)) continue;
      if (best === undefined || count(hit) > count(best)) best = hit;
    }
    // One word alone may be another sense of it ("American Express" for express delivery).
    if (best === undefined || count(best) < 2) continue;
    if (out.length < limit) {
      out.push(best);
      continue;
    }
    // The last kept passage whose every word another kept one holds too.
    let at = -1;
    for (let i = out.length - 1; i >= 0 && at < 0; i--) {
      const hit = out[i] as ChunkHit;
      if (own.every((_, j) => !holds(hit, j) || out.some((o, m) => m !== i && holds(o, j)))) {
        at = i;
      }
    }
    if (at < 0) continue;
    out.splice(at, 1);
    out.push(best);
  }
  return out;
}

/**
 * The first `limit` hits, in their order, kept when at most `max` hits of one document are. Of a
 * document with more, the hits that hold a word of the question itself (`own`) in their text or
 * their own headings are kept before those that match it only through the title every passage
 * of the document shares, or through related words: for "I want to return a pair of shoes", "How
 * to start a return" is kept, and "Damaged or wrong items" (found on "Returns" in the title and
 * "items", for "shoes") is not, though it ranks higher.
 */
function capPerDocument(
  hits: ChunkHit[],
  max: number,
  own: TermMatcher,
  limit: number,
  texts: LowerTexts,
): ChunkHit[] {
  const byDocument = new Map<string, ChunkHit[]>();
  for (const hit of hits) {
    const list = byDocument.get(hit.documentId);
    if (list) list.push(hit);
    else byDocument.set(hit.documentId, [hit]);
  }
  const holds = (hit: ChunkHit) =>
    textMatches(hit, own, texts) || hit.headingPath.some((h) => h !== hit.title && own.test(h));
  // A document's hits are chosen when the first of them is reached: the passages of documents
  // ranked only below the first `limit` kept are never read.
  const chosen = new Map<string, ReadonlySet<ChunkHit>>();
  const kept: ChunkHit[] = [];
  for (const hit of hits) {
    if (kept.length >= limit) break;
    const list = byDocument.get(hit.documentId) as ChunkHit[];
    if (list.length <= max) {
      kept.push(hit);
      continue;
    }
    let ofDocument = chosen.get(hit.documentId);
    if (ofDocument === undefined) {
      ofDocument = new Set(holdingFirst(list, max, holds));
      chosen.set(hit.documentId, ofDocument);
    }
    if (ofDocument.has(hit)) kept.push(hit);
  }
  return kept;
}

/**
 * The first `max` of `list` with the hits that `holds` first, each part in its order. `holds`
 * reads a whole passage: it is asked once a hit, and not of those after `max` that hold.
 */
function holdingFirst(
  list: readonly ChunkHit[],
  max: number,
  holds: (hit: ChunkHit) => boolean,
): ChunkHit[] {
  const holding: ChunkHit[] = [];
  const others: ChunkHit[] = [];
  for (const hit of list) {
    if (holds(hit)) {
      holding.push(hit);
      if (holding.length === max) return holding;
    } else others.push(hit);
  }
  return [...holding, ...others].slice(0, max);
}

function toRetrieved(hit: ChunkHit, matcher: TermMatcher): RetrievedChunk {
  let marked: string | undefined;
  // Field by field: spreading an object costs microseconds, and this runs for every result.
  return {
    chunkId: hit.chunkId,
    documentId: hit.documentId,
    title: hit.title,
    headingPath: hit.headingPath,
    source: hit.source,
    url: hit.url,
    text: hit.text,
    score: Number(hit.score.toPrecision(4)),
    // Made on first read, then kept: an extractive reply shows only the passages it cites, and
    // marking the words of the others was most of a search's own work. A getter, not a method,
    // so that the field reads, spreads and serialises as before.
    get snippet() {
      return (marked ??= snippet(hit.text, matcher));
    },
  };
}
