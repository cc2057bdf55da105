import { AppError } from '../errors/index.js';
import type { ChatDelta, ChatFinishReason, ToolCallRequest } from './chat-model.js';
import { isRecord, upstreamMessage, type Redact } from '../errors/upstream.js';
import { createThinkFilter } from './openai-chat-think.js';

/** Turns the chunks of one streamed chat completion into {@link ChatDelta}s. */
export interface DeltaAssembler {
  /** The deltas one parsed `chat.completion.chunk` adds; throws an `AppError` for an error chunk. */
  push(chunk: unknown): ChatDelta[];
  /** Whether a `finish_reason` arrived: the answer is whole even if `[DONE]` never comes. */
  readonly finished: boolean;
  /** The closing deltas: tool calls not emitted yet, `usage` when known, then `finish`. */
  end(): ChatDelta[];
}

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Assembles OpenAI streaming chunks. Text is passed on as it comes, but for a reasoning block
 * that opens it (see {@link createThinkFilter}). Tool calls come in fragments keyed by `index` —
 * the first with `id` and `function.name`, the rest with pieces of `function.arguments` — and
 * are emitted whole at `finish_reason` (or at the end, for a server that never sends one). Usage
 * is held until the end because some servers (vLLM with continuous usage) report a running total
 * in every chunk; only the last one counts.
 *
 * Only choice 0 is read: the adapter never asks for more than one.
 */
export function createDeltaAssembler(where: string, redact: Redact): DeltaAssembler {
  const calls = new Map<number, PartialCall>();
  let emittedCalls = 0;
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  let reason: ChatFinishReason | undefined;
  // A reasoning model's thinking, when the server leaves it in the answer (see createThinkFilter).
  const think = createThinkFilter();
  const text = (piece: string): ChatDelta[] =>
    piece === '' ? [] : [{ type: 'text', text: piece }];

  const malformed = (what: string): AppError =>
    new AppError('upstream_unavailable', redact(`The chat model at ${where} ${what}`));

  function addFragment(fragment: unknown, position: number): void {
    if (!isRecord(fragment)) throw malformed('sent a tool call fragment that is not an object');
    // Servers that send each call whole in one chunk (Ollama) may leave `index` out.
    const index = typeof fragment.index === 'number' ? fragment.index : position;
    const call = calls.get(index) ?? { id: '', name: '', arguments: '' };
    calls.set(index, call);
    const fn = isRecord(fragment.function) ? fragment.function : {};
    // Some servers repeat `id` and `name` on every fragment: only the first one counts.
    if (typeof fragment.id === 'string' && call.id === '') call.id = fragment.id;
    if (typeof fn.name === 'string' && call.name === '') call.name = fn.name;
    if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  }

  function takeCalls(): ChatDelta[] {
    const ordered = [...calls.entries()].sort(([a], [b]) => a - b);
    calls.clear();
    return ordered.map(([index, partial]) => {
      if (partial.name === '') throw malformed(`sent a tool call (index ${index}) without a name`);
      emittedCalls++;
      const call: ToolCallRequest = {
        // Without an id the tool's result could not be paired with its call; the index is unique.
        id: partial.id === '' ? `call_${index}` : partial.id,
        name: partial.name,
        // A call of a tool without parameters may come with no arguments at all.
        arguments: partial.arguments === '' ? '{}' : partial.arguments,
      };
      return { type: 'tool_call', call };
    });
  }

  return {
    push(chunk) {
      if (!isRecord(chunk)) throw malformed('sent a chunk that is not a JSON object');
      if (chunk.error !== undefined && chunk.error !== null) {
        // A failure the server met after it had started answering (OpenAI sends these as data);
        // like a 5xx, a new attempt may succeed.
        throw new AppError(
          'upstream_unavailable',
          redact(
            `The chat model at ${where} failed mid-answer: ${upstreamMessage(chunk) ?? 'no message given'}`,
          ),
          { retryable: true },
        );
      }
      if (isRecord(chunk.usage)) usage = readUsage(chunk.usage) ?? usage;

      const deltas: ChatDelta[] = [];
      const choices = Array.isArray(chunk.choices) ? (chunk.choices as unknown[]) : [];
      const choice = choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0];
      if (!isRecord(choice)) return deltas;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      if (typeof delta.content === 'string') deltas.push(...text(think.push(delta.content)));
      if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach(addFragment);
      if (typeof choice.finish_reason === 'string' && reason === undefined) {
        reason = finishReason(choice.finish_reason);
        deltas.push(...text(think.end()), ...takeCalls());
      }
      return deltas;
    },
    get finished() {
      return reason !== undefined;
    },
    end() {
      const deltas = [...text(think.end()), ...takeCalls()];
      if (usage !== undefined) deltas.push({ type: 'usage', ...usage });
      // Some servers (older Ollama) say `stop` after calling tools; the caller must still run them.
      const final = (reason ?? 'stop') === 'stop' && emittedCalls > 0 ? 'tool_calls' : reason;
      deltas.push({ type: 'finish', reason: final ?? 'stop' });
      return deltas;
    },
  };
}

function finishReason(value: string): ChatFinishReason {
  switch (value) {
    case 'stop':
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return value;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function readUsage(
  usage: Record<string, unknown>,
): { inputTokens: number; outputTokens: number } | undefined {
  const { prompt_tokens: input, completion_tokens: output } = usage;
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return { inputTokens: input, outputTokens: output };
}
