import type { TurnEvent } from '../protocol/index.js';
import type { ToolResult } from '../resilience/index.js';
import type { ToolRegistry } from '../tools/index.js';
import type { Channel } from './channel.js';

/**
 * One turn's events and the tool calls it makes: each call is told to the client as a `tool`
 * event, and counted for the reply's `toolsUsed`, `toolsFailed` and `timings`.
 */
export class TurnCalls {
  /** Milliseconds spent in each tool, by name; the turn adds its `total` at the end. */
  readonly timings: Record<string, number> = {};
  /** Every tool called, in order, once per call. */
  readonly used: string[] = [];
  readonly failed: Array<{ name: string; outcome: string }> = [];

  constructor(
    private readonly turn: {
      tools: ToolRegistry;
      sessionId: string;
      signal: AbortSignal | undefined;
      channel: Channel<TurnEvent>;
      observe: ((event: TurnEvent) => void) | undefined;
    },
  ) {}

  /** Sends an event: to the turn's observer first, then to its stream. */
  emit(event: TurnEvent): void {
    try {
      this.turn.observe?.(event);
    } catch {
      // A follower's failure is not the turn's.
    }
    this.turn.channel.push(event);
  }

  /** Ends the turn's event stream. */
  close(): void {
    this.turn.channel.close();
  }

  /** Counts a tool call that was made, here or by the language model's loop. */
  record(result: ToolResult): void {
    const name = result.tool;
    this.used.push(name);
    this.timings[name] = (this.timings[name] ?? 0) + result.durationMs;
    this.emit({ type: 'tool', name, outcome: result.type, ms: result.durationMs });
    if (result.type !== 'ok') {
      this.failed.push({ name, outcome: result.type === 'error' ? result.code : result.type });
    }
  }

  /**
   * Calls a tool in the customer's session and counts it: its value, or `undefined` when it
   * failed. Only a `cancellable` call stops when the client goes away.
   */
  call<T>(name: string, args: unknown, cancellable = false): Promise<T | undefined> {
    // The client's going away (or shutdown's cut) stops only what is costly and for the client
    // alone: reading its files and the language model. Once its message is stored, the help
    // center is still searched, the escalation decided (a report of harm opens its ticket even
    // when the customer closed the tab at once) and its details remembered, all quick.
    const { tools, sessionId, signal } = this.turn;
    const options = cancellable && signal ? { sessionId, signal } : { sessionId };
    return tools.call<T>(name, args, options).then((result) => {
      this.record(result);
      return result.type === 'ok' ? result.value : undefined;
    });
  }
}
