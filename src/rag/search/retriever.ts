import type { ChunkHit, KnowledgeRepository } from '../../store/knowledge-repository.js';
import { snippet, TermMatcher } from './highlight.js';
import { queryTerms } from './query-terms.js';

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
export interface RetrievedChunk {
  chunkId: number;
  documentId: string;
  title: string;
  headingPath: string[];
  source: string;
  url: string | null;
  text: string;
  /** An HTML-escaped passage with the matched words in `<mark>`. */
  snippet: string;
  score: number;
}

/** The answer of a search. */
export interface SearchResult {
  mode: 'lexical' | 'hybrid';
  hits: RetrievedChunk[];
  /** Why there are no hits, when there are none. */
  reason?: 'no_searchable_words' | 'nothing_relevant';
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
  maxPerDocument: 2,
  titleWeight: 3,
  candidates: 20,
  postingBudget: 500,
};

/**
 * Searches the knowledge base: BM25 over the whole chunk plus its title field, at most
 * `maxPerDocument` chunks of one document, and a relevance floor — some hit must share a content
 * word (not only question words such as "how" or "what") with the question — so that "nothing
 * relevant" is a possible answer.
 *
 * @example
 * const result = await retriever.search('How do I reset my password?');
 * for (const hit of result.hits) console.log(hit.title, hit.snippet);
 */
export class Retriever {
  constructor(
    private readonly repo: KnowledgeRepository,
    readonly settings: RetrieverSettings = DEFAULT_RETRIEVER_SETTINGS,
  ) {}

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const { terms, contentTerms } = queryTerms(query);
    if (terms.length === 0 || (contentTerms.length === 0 && !options.noFloor)) {
      return { mode: 'lexical', hits: [], reason: 'no_searchable_words' };
    }
    options.signal?.throwIfAborted();
    const topK = options.topK ?? this.settings.topK;
    const candidates = await this.repo.searchLexical({
      terms,
      scopes: options.scopes ?? ['kb'],
      limit: Math.max(this.settings.candidates, topK * 4),
      titleWeight: this.settings.titleWeight,
      postingBudget: this.settings.postingBudget,
    });
    const content = new TermMatcher(contentTerms);
    // The floor decides for the whole answer, not per hit: when none of the best candidates
    // shares a content word with the question, nothing is relevant. Otherwise the ranking stands as it is, since
    // question words alone do find the right FAQ entry below others (cutting such hits one by
    // one cost 0.04 nDCG@10 on the CovidFAQ set).
    if (
      !options.noFloor &&
      !candidates.slice(0, FLOOR_DEPTH).some((hit) => matches(hit, content))
    ) {
      return { mode: 'lexical', hits: [], reason: 'nothing_relevant' };
    }
    const hits = capPerDocument(candidates, this.settings.maxPerDocument)
      .slice(0, topK)
      .map((hit) => toRetrieved(hit, content));
    return { mode: 'lexical', hits };
  }
}

/** How deep the relevance floor looks: the passages an answer could be built from. */
const FLOOR_DEPTH = 10;

function matches(hit: ChunkHit, content: TermMatcher): boolean {
  return (
    content.test(hit.title) ||
    hit.headingPath.some((h) => content.test(h)) ||
    content.test(hit.text)
  );
}

function capPerDocument(hits: ChunkHit[], max: number): ChunkHit[] {
  const perDocument = new Map<string, number>();
  return hits.filter((hit) => {
    const n = perDocument.get(hit.documentId) ?? 0;
    perDocument.set(hit.documentId, n + 1);
    return n < max;
  });
}

function toRetrieved(hit: ChunkHit, matcher: TermMatcher): RetrievedChunk {
  return {
    ...hit,
    snippet: snippet(hit.text, matcher),
    score: Number(hit.score.toPrecision(4)),
  };
}
