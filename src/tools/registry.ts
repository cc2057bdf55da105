import { z } from 'zod';
import type { Logger } from 'pino';
import {
  toolPolicySchema,
  type Config,
  type ToolPolicy,
  type ToolPolicyOverride,
} from '../config/index.js';
import { AppError } from '../errors/index.js';
import {
  noopObserver,
  PolicyExecutor,
  systemClock,
  type AttemptContext,
  type BreakerSnapshot,
  type BreakerState,
  type CallObserver,
  type CallOptions,
  type Clock,
  type Parsed,
  type ToolResult,
} from '../resilience/index.js';
import type { Tool, ToolContext } from './define-tool.js';

/** Dependencies of a {@link ToolRegistry}. */
export interface ToolRegistryDeps {
  /** The `tools` part of the configuration: defaults and per-tool overrides. */
  config: Config['tools'];
  logger: Logger;
  clock?: Clock;
  observer?: CallObserver;
  random?: () => number;
}

/** A registered tool as listed for people and models. */
export interface ToolDescriptor {
  name: string;
  description: string;
  /** JSON Schema of the input, for LLM function calling. */
  inputSchema: Record<string, unknown>;
  policy: ToolPolicy;
}

/**
 * The tools of an app, each wrapped from configuration with a timeout, retries, a circuit
 * breaker and a concurrency cap, and observed. One breaker per tool, shared by every session.
 * Policy precedence: configured defaults, then the tool's own settings, then the configured
 * per-tool override.
 *
 * @example
 * const tools = new ToolRegistry({ config: config.tools, logger, observer });
 * tools.register(echo);
 * const result = await tools.call('echo', { text: 'hi' }, { signal });
 */
export class ToolRegistry {
  readonly #deps: ToolRegistryDeps;
  readonly #entries = new Map<
    string,
    {
      tool: Tool;
      executor: PolicyExecutor<unknown, unknown>;
      /** The input's JSON Schema, made once: converting costs more than a search. */
      inputSchema: Record<string, unknown>;
    }
  >();

  constructor(deps: ToolRegistryDeps) {
    this.#deps = deps;
  }

  /**
   * Adds a tool.
   * @throws {AppError} `config_invalid` when the name is taken or the merged policy is invalid.
   */
  register<I extends z.ZodType, O>(tool: Tool<I, O>): void {
    if (this.#entries.has(tool.name)) {
      throw new AppError('config_invalid', `A tool named "${tool.name}" is already registered`);
    }
    const policy = this.#policyFor(tool as unknown as Tool);
    const log = this.#deps.logger.child({ tool: tool.name });
    const executor = new PolicyExecutor<unknown, unknown>(
      {
        name: tool.name,
        policy,
        parseInput: zodParser(tool.input),
        ...(tool.output ? { parseOutput: zodParser(tool.output) } : {}),
        run: (input, attempt) => tool.execute(input as z.output<I>, new CallContext(attempt, log)),
      },
      {
        clock: this.#deps.clock ?? systemClock,
        observer: this.#deps.observer ?? noopObserver,
        ...(this.#deps.random ? { random: this.#deps.random } : {}),
      },
    );
    const inputSchema = z.toJSONSchema(tool.input, {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    this.#entries.set(tool.name, { tool: tool as unknown as Tool, executor, inputSchema });
  }

  /**
   * Calls a tool by name. Never throws for the tool's failure: an unknown name, invalid input,
   * a thrown error, a timeout, an open breaker, a full queue or a cancellation are all results.
   */
  call<O = unknown>(
    name: string,
    input: unknown,
    options: CallOptions = {},
  ): Promise<ToolResult<O>> {
    const entry = this.#entries.get(name);
    if (!entry) {
      const known = [...this.#entries.keys()].sort().join(', ') || 'none';
      return Promise.resolve({
        type: 'error',
        code: 'unknown_tool',
        message: `There is no tool named "${name}" (known tools: ${known})`,
        retryable: false,
        tool: name,
        attempts: 0,
        durationMs: 0,
      });
    }
    return entry.executor.call(input, options) as Promise<ToolResult<O>>;
  }

  /** Whether a tool of that name is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Every registered tool, for people and models. */
  list(): ToolDescriptor[] {
    return [...this.#entries.values()].map(({ tool, executor, inputSchema }) => ({
      name: tool.name,
      description: tool.description,
      // A copy: what a caller does with its list cannot change the next one.
      inputSchema: structuredClone(inputSchema),
      policy: executor.policy as ToolPolicy,
    }));
  }

  /** The breaker of one tool. @throws {AppError} `unknown_tool`. */
  breaker(name: string): BreakerSnapshot {
    return this.#entry(name).executor.breaker.snapshot();
  }

  /** Every tool's breaker, by tool name. */
  *breakers(): Iterable<[string, BreakerSnapshot]> {
    for (const [name, entry] of this.#entries) yield [name, entry.executor.breaker.snapshot()];
  }

  /** Every tool's breaker state, by tool name (what a turn's result reports). */
  breakerStates(): Record<string, BreakerState> {
    const states: Array<[string, BreakerState]> = [];
    for (const [name, entry] of this.#entries) states.push([name, entry.executor.breaker.state]);
    return Object.fromEntries(states);
  }

  /** Closes a tool's breaker and forgets its failures. @throws {AppError} `unknown_tool`. */
  reset(name: string): BreakerSnapshot {
    const breaker = this.#entry(name).executor.breaker;
    breaker.reset();
    return breaker.snapshot();
  }

  /** Names under `tools.overrides` that match no registered tool (likely typos). */
  unknownOverrides(): string[] {
    return Object.keys(this.#deps.config.overrides).filter((name) => !this.#entries.has(name));
  }

  #entry(name: string) {
    const entry = this.#entries.get(name);
    if (!entry) throw new AppError('unknown_tool', `There is no tool named "${name}"`);
    return entry;
  }

  #policyFor(tool: Tool): ToolPolicy {
    const defaults = this.#deps.config.defaults;
    const fromTool: ToolPolicyOverride = {
      ...(tool.timeoutMs !== undefined ? { timeoutMs: tool.timeoutMs } : {}),
      ...(tool.retry ? { retry: tool.retry } : {}),
      ...(tool.breaker ? { breaker: tool.breaker } : {}),
      ...(tool.concurrency ? { concurrency: tool.concurrency } : {}),
    };
    const fromConfig = this.#deps.config.overrides[tool.name] ?? {};
    const merged = {
      timeoutMs: fromConfig.timeoutMs ?? fromTool.timeoutMs ?? defaults.timeoutMs,
      retry: { ...defaults.retry, ...fromTool.retry, ...fromConfig.retry },
      breaker: { ...defaults.breaker, ...fromTool.breaker, ...fromConfig.breaker },
      concurrency: { ...defaults.concurrency, ...fromTool.concurrency, ...fromConfig.concurrency },
    };
    const parsed = toolPolicySchema.safeParse(merged);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new AppError('config_invalid', `Invalid policy for tool "${tool.name}": ${detail}`);
    }
    if (parsed.data.retry.maxDelayMs < parsed.data.retry.initialDelayMs) {
      throw new AppError(
        'config_invalid',
        `Invalid policy for tool "${tool.name}": retry.maxDelayMs must not be below retry.initialDelayMs`,
      );
    }
    return parsed.data;
  }
}

/**
 * What a tool's `execute` receives. The signal is read through from the attempt, which makes it
 * on first use (see the executor): destructuring it here would make one for every call.
 */
class CallContext implements ToolContext {
  constructor(
    private readonly attemptContext: AttemptContext,
    readonly log: Logger,
  ) {}

  get signal(): AbortSignal {
    return this.attemptContext.signal;
  }

  get attempt(): number {
    return this.attemptContext.attempt;
  }

  get sessionId(): string | undefined {
    return this.attemptContext.sessionId;
  }

  noRetry(): void {
    this.attemptContext.noRetry();
  }
}

function zodParser<T>(schema: z.ZodType<T>): (raw: unknown) => Parsed<T> {
  return (raw) => {
    const result = schema.safeParse(raw);
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, message: z.prettifyError(result.error).replace(/\n\s*/g, ' ') };
  };
}
