export { createMemoryTool, rankMemories, sessionContact, sessionSummaries } from './memory.js';
export type { SessionContext } from './memory.js';
