export { createMemoryTool, rankMemories } from './memory.js';
export type { SessionContext } from './memory.js';
