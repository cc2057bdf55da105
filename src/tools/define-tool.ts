import type { z } from 'zod';
import type { Logger } from 'pino';
import type { ToolPolicyOverride } from '../config/index.js';

/** What a tool's `execute` receives besides its input. */
export interface ToolContext {
  /** Aborted on timeout or cancellation: stop the work and let go of resources. */
  signal: AbortSignal;
  /** The session the call is made for, when there is one. */
  sessionId: string | undefined;
  /** 1 for the first attempt. */
  attempt: number;
  /** A logger whose lines carry the tool's name and the request and session ids. */
  log: Logger;
  /**
   * Says the work has done what a retry would repeat (text the customer has seen): the call is
   * not retried from now on, even when it times out. An error thrown after it should still be
   * marked not retryable, as the layer cannot tell the tool's own errors apart. Absent where a
   * tool is called directly, outside the tool-call layer (as some tests do).
   */
  noRetry?(): void;
}

/** A tool: a name, a description for people and models, a zod input, and a plain function. */
export interface Tool<I extends z.ZodType = z.ZodType, O = unknown> {
  /** Letters, digits and `_` or `-`, up to 64 (what LLM function calling accepts). */
  readonly name: string;
  readonly description: string;
  readonly input: I;
  /** When given, the tool's value is checked against it; a mismatch is an `invalid_output` error. */
  readonly output?: z.ZodType<O> | undefined;
  /** The tool's own policy defaults; configuration overrides win over them. */
  readonly timeoutMs?: number | undefined;
  readonly retry?: ToolPolicyOverride['retry'];
  readonly breaker?: ToolPolicyOverride['breaker'];
  readonly concurrency?: ToolPolicyOverride['concurrency'];
  /** The work. It knows nothing of retries, breakers or spans; it honours `signal`. */
  execute(input: z.output<I>, context: ToolContext): Promise<O>;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Declares a tool. The registry wraps it with the tool-call policies from configuration.
 *
 * @example
 * const echo = defineTool({
 *   name: 'echo',
 *   description: 'Repeats the text it is given',
 *   input: z.object({ text: z.string() }),
 *   timeoutMs: 1_000,
 *   async execute({ text }, { signal }) {
 *     signal.throwIfAborted();
 *     return text;
 *   },
 * });
 */
export function defineTool<I extends z.ZodType, O>(definition: Tool<I, O>): Tool<I, O> {
  if (!TOOL_NAME.test(definition.name)) {
    throw new TypeError(
      `Invalid tool name "${definition.name}": use 1 to 64 letters, digits, "_" or "-"`,
    );
  }
  if (definition.description.trim() === '') {
    throw new TypeError(`Tool "${definition.name}" needs a description`);
  }
  return Object.freeze({ ...definition });
}
