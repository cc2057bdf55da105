export { defineTool } from './define-tool.js';
export type { Tool, ToolContext } from './define-tool.js';
export { ToolRegistry } from './registry.js';
export type { ToolDescriptor, ToolRegistryDeps } from './registry.js';
export { createKbSearchTool, MAX_QUERY_CHARS } from './kb-search/index.js';
export { createEmbedTextsTool } from './embed-texts/index.js';
export { createMemoryTool, rankMemories, sessionSummaries } from './memory/index.js';
export type { SessionContext } from './memory/index.js';
export {
  createAttachmentsTool,
  forgetAttachmentFiles,
  keepAttachmentFiles,
  keptAttachmentFile,
  SHOWN_PICTURE_TYPES,
} from './attachments/index.js';
export type {
  AttachmentFile,
  AttachmentLimits,
  AttachmentProblem,
  AttachmentSummary,
} from './attachments/index.js';
export { createLlmChatTool, EMPTY_ANSWER } from './llm-chat/index.js';
export type { LlmReply } from './llm-chat/index.js';
