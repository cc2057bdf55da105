export { defineTool } from './define-tool.js';
export type { Tool, ToolContext } from './define-tool.js';
export { ToolRegistry } from './registry.js';
export type { ToolDescriptor, ToolRegistryDeps } from './registry.js';
export { createKbSearchTool, MAX_QUERY_CHARS } from './kb-search/index.js';
export { createEmbedTextsTool } from './embed-texts/index.js';
