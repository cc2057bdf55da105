export { chunkDocument } from './chunk-document.js';
export type { ChunkDraft, ChunkOptions } from './types.js';
