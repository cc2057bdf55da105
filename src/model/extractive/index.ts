export {
  composeExtractiveAnswer,
  frameExtractiveAnswer,
  readExtractiveAnswer,
  type ComposeOptions,
  type ExtractiveReading,
} from './compose.js';
export { PassageCache } from './documents.js';
export { splitSentences } from './sentences.js';
export type { Sentence } from './sentences.js';
export type { ExtractiveAnswer, ExtractiveInput } from './types.js';
