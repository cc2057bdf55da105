export { createLlmChatTool, EMPTY_ANSWER } from './llm-chat.js';
export type { LlmReply } from './llm-chat.js';
