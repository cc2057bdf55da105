export type { Embedder } from './embedder.js';
export { createOpenAiEmbedder } from './openai-embedder.js';
export type { OpenAiEmbedderOptions } from './openai-embedder.js';
export { MAX_VECTOR_SEARCH_LIMIT, SqliteVectorIndex, toVectorIndex } from './vector-index.js';
export type {
  VectorConfiguration,
  VectorHit,
  VectorIndex,
  VectorItem,
  VectorSearchOptions,
} from '../../store/vector-index.js';
export { reciprocalRankFusion } from './fusion.js';
export type { FusedItem, FusionOptions } from './fusion.js';
export { embeddingText, indexVectors, removeStaleVectors } from './vectorize.js';
export type { EmbedTexts, IndexVectorsResult } from './vectorize.js';
