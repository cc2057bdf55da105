/**
 * One message of a conversation, in the order the model should read it. The system prompt is not
 * a message: it travels as {@link ChatRequest.system}, so every adapter puts it where its API wants.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** On a `tool` message: the {@link ToolCallRequest.id} this result answers. */
  toolCallId?: string;
  /** On an `assistant` message: the tools it asked for, sent back so the model sees its own calls. */
  toolCalls?: ToolCallRequest[];
}

/** A tool the model asked to run. */
export interface ToolCallRequest {
  /** The model's id for this call; the tool's result must name it in `toolCallId`. */
  id: string;
  name: string;
  /**
   * The arguments as the raw JSON text the model wrote. Not parsed here: a model can write
   * invalid JSON, and the caller (which validates against the tool's schema) decides what then.
   */
  arguments: string;
}

/** A tool the model may call. */
export interface ToolSpec {
  name: string;
  description: string;
  /** A JSON Schema of the arguments (an `object` schema). */
  parameters: Record<string, unknown>;
}

/** Why the model stopped. `other` is anything an API reports that is none of the rest. */
export type ChatFinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

/**
 * One piece of a streamed answer. Text arrives as it is written; a tool call arrives once, whole,
 * when its arguments are complete; `usage` (when the API reports it) comes before `finish`, and
 * `finish` is always last.
 */
export type ChatDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCallRequest }
  | { type: 'usage'; inputTokens: number; outputTokens: number }
  | { type: 'finish'; reason: ChatFinishReason };

/** What {@link ChatModel.stream} is asked. */
export interface ChatRequest {
  /** The system prompt; an empty string sends none. */
  system: string;
  messages: ChatMessage[];
  /** Tools the model may call; none when absent or empty. */
  tools?: ToolSpec[];
  /** Aborting it stops the request and the reading of the answer. */
  signal?: AbortSignal;
  /** Overrides the adapter's configured temperature for this request. */
  temperature?: number;
  /** Overrides the adapter's configured cap on the answer's length, in tokens. */
  maxTokens?: number;
}

/**
 * The port to a language model. Implementations: the OpenAI-compatible adapter
 * (`createOpenAiChatModel`) and the extractive responder (no LLM).
 *
 * @example
 * for await (const delta of model.stream({ system, messages, tools, signal })) {
 *   if (delta.type === 'text') send(delta.text);
 *   else if (delta.type === 'tool_call') calls.push(delta.call);
 * }
 */
export interface ChatModel {
  /** Names the model in logs and traces, e.g. `gpt-4o-mini`. */
  readonly name: string;
  /**
   * Streams one answer. Fails with an `AppError`; it may fail after some deltas were yielded
   * (a stream cut halfway), so a caller that retries must not have used those deltas yet.
   */
  stream(request: ChatRequest): AsyncIterable<ChatDelta>;
}
