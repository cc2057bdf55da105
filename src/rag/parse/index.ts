export { detectFormat } from './detect-format.js';
export { DEFAULT_MAX_BYTES, parseFile } from './parse-file.js';
export type { Block, BlockType, DocumentFormat, ParsedDocument, ParseOptions } from './types.js';
