export type {
  ChatDelta,
  ChatFinishReason,
  ChatMessage,
  ChatModel,
  ChatRequest,
  ToolCallRequest,
  ToolSpec,
} from './chat-model.js';
export { createOpenAiChatModel } from './openai-chat-model.js';
export type { OpenAiChatModelOptions } from './openai-chat-model.js';
export { composeExtractiveAnswer } from './extractive/index.js';
export type { ExtractiveAnswer, ExtractiveInput } from './extractive/index.js';
