import { AppError } from '../errors/index.js';
import type { ChatMessage, ChatRequest } from './chat-model.js';

/** Settings of the adapter that a request may override. */
export interface ChatBodyDefaults {
  model: string;
  temperature?: number;
  maxTokens?: number;
  /**
   * Whether to ask for the token usage at the end of the stream (`stream_options`); true when
   * absent. Azure OpenAI before api-version 2024-09-01-preview refuses the option.
   */
  usage?: boolean;
}

/**
 * The JSON body of `POST /chat/completions` for `request`: always streamed (with usage unless
 * `defaults.usage` is false), the system prompt first, tools in the `function` format, assistant
 * tool calls and tool results in the shape the API pairs them by (`tool_calls[].id` ↔
 * `tool_call_id`).
 *
 * Throws `invalid_input` for a tool result without `toolCallId`: the API would refuse it with a
 * 400 anyway, and this says which message is wrong.
 */
export function openAiChatBody(
  request: ChatRequest,
  defaults: ChatBodyDefaults,
): Record<string, unknown> {
  const messages: Array<Record<string, unknown>> = [];
  if (request.system !== '') messages.push({ role: 'system', content: request.system });
  request.messages.forEach((message, index) => messages.push(openAiMessage(message, index)));

  const temperature = request.temperature ?? defaults.temperature;
  const maxTokens = request.maxTokens ?? defaults.maxTokens;
  const tools = request.tools ?? [];
  return {
    model: defaults.model,
    messages,
    stream: true,
    ...(defaults.usage === false ? {} : { stream_options: { include_usage: true } }),
    // OpenAI refuses an empty `tools` list rather than reading it as "no tools".
    ...(tools.length === 0
      ? {}
      : {
          tools: tools.map((tool) => ({
            type: 'function',
            function: {
              name: tool.name,
              description: tool.description,
              parameters: tool.parameters,
            },
          })),
        }),
    ...(temperature === undefined ? {} : { temperature }),
    // `max_tokens`, not OpenAI's newer `max_completion_tokens`: every compatible server
    // (Ollama, vLLM, llama.cpp, LM Studio) knows the former.
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
  };
}

function openAiMessage(message: ChatMessage, index: number): Record<string, unknown> {
  if (message.role === 'tool') {
    if (message.toolCallId === undefined || message.toolCallId === '') {
      throw new AppError(
        'invalid_input',
        `Message ${index} is a tool result without the id of the tool call it answers`,
      );
    }
    return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
  if (
    message.role === 'assistant' &&
    message.toolCalls !== undefined &&
    message.toolCalls.length > 0
  ) {
    return {
      role: 'assistant',
      // OpenAI's own answers carry `null` beside tool calls; some servers refuse an empty string.
      content: message.content === '' ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  }
  return { role: message.role, content: message.content };
}
