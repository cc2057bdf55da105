export { createLlmChatTool } from './llm-chat.js';
export type { LlmReply } from './llm-chat.js';
