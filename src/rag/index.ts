export { chunkDocument } from './chunk/index.js';
export type { ChunkDraft, ChunkOptions } from './chunk/index.js';
export { detectFormat, parseFile, DEFAULT_MAX_BYTES } from './parse/index.js';
export type {
  Block,
  BlockType,
  DocumentFormat,
  ParsedDocument,
  ParseOptions,
} from './parse/index.js';
export { ingestFiles, ingestPaths, summarize } from './ingest/ingest.js';
export type { SourceFile } from './ingest/ingest.js';
export type { IngestFailure, IngestOptions, IngestReport } from './ingest/ingest.js';
export type { SkippedFile } from './ingest/walk.js';
export { Retriever, DEFAULT_RETRIEVER_SETTINGS } from './search/retriever.js';
export type {
  DenseRetrieval,
  RetrievedChunk,
  RetrieverSettings,
  SearchOptions,
  SearchResult,
} from './search/retriever.js';
export { queryTerms, MAX_QUERY_TERMS } from './search/query-terms.js';
export { loadEnglishWords } from './search/english-words.js';
export { Synonyms, DEFAULT_SYNONYMS } from './search/synonyms.js';
export type { RelatedTerm } from './search/synonyms.js';
export type { QueryTerms } from './search/query-terms.js';
export { evaluateRetrieval } from './eval/beir.js';
export type { RetrievalEvaluation } from './eval/beir.js';
