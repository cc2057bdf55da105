export { createMemoryTool, rankMemories, sessionSummaries } from './memory.js';
export type { SessionContext } from './memory.js';
