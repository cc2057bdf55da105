export { createEmbedTextsTool } from './embed-texts.js';
