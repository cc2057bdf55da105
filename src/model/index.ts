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
// The extractive responder (`./extractive/`, another owner) adds its export line here.
