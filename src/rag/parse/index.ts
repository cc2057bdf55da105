export { detectFormat } from './detect-format.js';
export { isImage } from './image.js';
export { DEFAULT_PARSE_LIMITS } from './limits.js';
export type { ParseLimits } from './limits.js';
export { DEFAULT_MAX_BYTES, parseFile } from './parse-file.js';
export {
  createParseCapacity,
  createParseWorkers,
  DEFAULT_PARSE_WORKERS,
  defaultParseConcurrency,
  stoppedParse,
} from './parse-workers.js';
export type {
  ParseCapacity,
  ParseStop,
  ParseWorkers,
  ParseWorkersOptions,
  StoppedParse,
} from './parse-workers.js';
export type { Block, BlockType, DocumentFormat, ParsedDocument, ParseOptions } from './types.js';
