export { composeExtractiveAnswer } from './compose.js';
export { splitSentences } from './sentences.js';
export type { Sentence } from './sentences.js';
export type { ExtractiveAnswer, ExtractiveInput } from './types.js';
