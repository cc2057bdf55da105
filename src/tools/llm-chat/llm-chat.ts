import { z } from 'zod';
import { AppError, toAppError } from '../../errors/index.js';
import type {
  ChatFinishReason,
  ChatMessage,
  ChatModel,
  ToolCallRequest,
  ToolSpec,
} from '../../model/index.js';
import { defineTool } from '../define-tool.js';

/** What one model call produced. */
export interface LlmReply {
  text: string;
  toolCalls: ToolCallRequest[];
  usage?: { inputTokens: number; outputTokens: number };
}

const input = z.object({
  system: z.string(),
  messages: z.array(z.custom<ChatMessage>((v) => typeof v === 'object' && v !== null)),
  tools: z.array(z.custom<ToolSpec>((v) => typeof v === 'object' && v !== null)).optional(),
  /** Receives each piece of text as the model streams it. */
  onText: z.custom<(text: string) => void>((v) => typeof v === 'function').optional(),
  /**
   * `Date.now()` when the customer's answer began: every attempt of every call made for it ends
   * within the answer's time limit from then (see {@link DEFAULT_LLM_ANSWER_TIMEOUT_MS}).
   */
  answerStartedAt: z.number().optional(),
});

/** Why a model stopped before its answer was complete, by its `finish` reason. */
const INCOMPLETE: Partial<Record<ChatFinishReason, string>> = {
  length: 'cut off at its token limit',
  content_filter: 'withheld by its content filter',
};

/** The message of the `invalid_output` error of an empty answer. */
export const EMPTY_ANSWER = "The language model's answer was empty";

/**
 * The time limit of one attempt of the `llm_chat` tool, unless the configuration overrides it
 * (`tools.overrides.llm_chat.timeoutMs`).
 */
export const LLM_CHAT_TIMEOUT_MS = 60_000;

/**
 * The longest a customer waits for the model's answer (`LLM_ANSWER_TIMEOUT_MS`), across all its
 * attempts and all the calls of one answer: one call's own limit. Each attempt may take that
 * long, so a customer used to be held twice as long, and longer still by the calls that follow
 * a tool call; the help center's answer comes sooner than a retry that holds them again.
 */
export const DEFAULT_LLM_ANSWER_TIMEOUT_MS = LLM_CHAT_TIMEOUT_MS;

/**
 * A failed attempt is not asked again when less than this share of the answer's limit remains:
 * too little for a model to begin and write a short answer, it would hold the customer only to
 * be cut off.
 */
const MIN_RETRY_SHARE = 1 / 4;

/** Options of {@link createLlmChatTool}. */
export interface LlmChatOptions {
  /** The answer's limit, in ms (see {@link DEFAULT_LLM_ANSWER_TIMEOUT_MS}). */
  answerTimeoutMs?: number;
}

/**
 * The `llm_chat` tool: one streamed call of the chat model, through the tool-call layer like every
 * other call (timeout, retries, breaker, span). Text reaches `onText` as it streams. A call that
 * fails before its first piece of text may be retried; one that fails after cannot be, since the
 * customer has already seen part of the answer — its error is then marked not retryable. An
 * answer the model stopped short (its token limit, its content filter) is an `invalid_output`
 * error, never a whole answer: the agent then says it was cut short and answers from the help
 * center; it is that request's failure, not the model's, and its breaker does not count it. So
 * is an empty answer (no tool call, no text but white space), which counts against
 * the breaker as any failure. A call given `answerStartedAt` ends by the answer's limit, which it
 * reaches as a `timeout` error that is not retried; a failure that leaves too little of it is not
 * retried either.
 */
export function createLlmChatTool(model: ChatModel, options: LlmChatOptions = {}) {
  const answerMs = options.answerTimeoutMs ?? DEFAULT_LLM_ANSWER_TIMEOUT_MS;
  return defineTool<typeof input, LlmReply>({
    name: 'llm_chat',
    description: 'One call of the configured language model (used by the agent, not by the model).',
    input,
    timeoutMs: LLM_CHAT_TIMEOUT_MS,
    retry: { maxAttempts: 2 },
    async execute({ system, messages, tools, onText, answerStartedAt }, context) {
      // What remains of the answer's limit, now.
      const remaining = () =>
        answerStartedAt === undefined ? Infinity : answerStartedAt + answerMs - Date.now();
      const left = remaining();
      // Nothing left for this call (the answer's earlier calls and searches took it all): the
      // model is not asked, and its breaker does not count a failure it did not have.
      if (left <= 0) throw outOfTime(answerMs, { requestSpecific: true });
      const bound = new AbortController();
      const timer = Number.isFinite(left)
        ? setTimeout(() => bound.abort(outOfTime(answerMs)), left)
        : undefined;
      // From then on this attempt is the last, its own time limit included (which the
      // tool-call layer, not this function, judges).
      const last = Number.isFinite(left)
        ? setTimeout(() => context.noRetry?.(), left - answerMs * MIN_RETRY_SHARE)
        : undefined;
      const signal = AbortSignal.any([context.signal, bound.signal]);
      let text = '';
      const toolCalls: ToolCallRequest[] = [];
      let usage: LlmReply['usage'];
      try {
        for await (const delta of model.stream({
          system,
          messages,
          ...(tools ? { tools } : {}),
          signal,
        })) {
          if (delta.type === 'text') {
            // Seen by the customer: a retry would send it again, a timeout included.
            if (text === '') context.noRetry?.();
            text += delta.text;
            onText?.(delta.text);
          } else if (delta.type === 'tool_call') toolCalls.push(delta.call);
          else if (delta.type === 'usage')
            usage = { inputTokens: delta.inputTokens, outputTokens: delta.outputTokens };
          else if (delta.type === 'finish' && INCOMPLETE[delta.reason] !== undefined) {
            // Stopped by its token limit or its content filter, the answer breaks off mid-way
            // (a tool call's arguments with it): it is no answer to store as whole. Asking again
            // would meet the same limit. The model answered: its breaker does not count this.
            throw new AppError(
              'invalid_output',
              `The language model's answer was ${INCOMPLETE[delta.reason]}`,
              { retryable: false, requestSpecific: true },
            );
          }
        }
      } catch (error) {
        let e = toAppError(error, 'upstream_unavailable');
        if (e.retryable && remaining() < answerMs * MIN_RETRY_SHARE) {
          e = new AppError(
            e.code,
            `${e.message} (too little of the answer's time limit left to ask again)`,
            {
              cause: e,
              retryable: false,
            },
          );
        }
        if (text === '' || !e.retryable) throw e;
        throw new AppError(e.code, `${e.message} (after part of the answer was sent)`, {
          cause: e,
          retryable: false,
        });
      } finally {
        clearTimeout(timer);
        clearTimeout(last);
      }
      if (toolCalls.length === 0 && text.trim() === '') {
        // A server that answers nothing (a broken deployment, a model that only stops) has
        // failed as surely as one that answers 500: its breaker must see it. Not retried: asked
        // the same, a model that wrote nothing mostly writes nothing again.
        throw new AppError('invalid_output', EMPTY_ANSWER, { retryable: false });
      }
      return { text, toolCalls, ...(usage ? { usage } : {}) };
    },
  });
}

function outOfTime(answerMs: number, options: { requestSpecific?: boolean } = {}): AppError {
  return new AppError(
    'timeout',
    `The language model's answer took its whole limit of ${answerMs} ms`,
    {
      retryable: false,
      ...options,
    },
  );
}
