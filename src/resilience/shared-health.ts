import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BreakerSnapshot } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import type { ToolStatsSnapshot } from './tool-stats.js';

/**
 * An id for this process, unique among the instances sharing a Redis: the host (a container's or
 * pod's name), the process id, and a random part, so that a restarted process on the same host,
 * which may get the same pid, is told apart from the one before it.
 */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** One tool's health on one instance. */
export interface ToolHealth {
  name: string;
  breaker: BreakerSnapshot;
  stats: ToolStatsSnapshot;
}

/** The health of one instance's tools, as it last reported it. */
export interface InstanceHealth {
  instance: string;
  /** Epoch ms of the report (now for the instance that answers). */
  reportedAt: number;
  tools: ToolHealth[];
}

/** Whether what is shown or done concerns every live instance or only the one that answers. */
export type HealthScope = 'all_instances' | 'this_instance';

/** The tools' health on every live instance, the answering one first. */
export interface HealthView {
  scope: HealthScope;
  /** Says, in words, what `scope` covers and why. */
  detail: string;
  instances: InstanceHealth[];
}

/** What a reset did, instance by instance. */
export interface ResetOutcome {
  scope: HealthScope;
  detail: string;
  /** The instances that confirmed, this one first; `breaker` is null where the tool is unknown. */
  instances: Array<{ instance: string; breaker: BreakerSnapshot | null }>;
  /** Live instances the reset was sent to that did not confirm it in time. */
  unconfirmed: string[];
}

/** This instance's tools, read live. */
export interface LocalTools {
  health(): ToolHealth[];
  /** Closes a tool's breaker; undefined when this instance has no such tool. */
  reset(name: string): BreakerSnapshot | undefined;
}

/** Tool health and breaker reset across the instances sharing a Redis, or of one instance. */
export interface SharedToolHealth {
  readonly instanceId: string;
  health(): Promise<HealthView>;
  /** Closes a tool's breaker here, and on every other instance when shared. */
  reset(name: string): Promise<ResetOutcome>;
  /** Starts reporting this instance's health and answering resets (a serving instance). */
  start(): void;
  close(): Promise<void>;
}

const ONE_INSTANCE =
  'This instance only: REDIS_URL is not set, so instances do not share tool health. Behind a load balancer, ask each instance directly.';

/** Without Redis: the answering instance is all there is to see and reset. */
export class LocalToolHealth implements SharedToolHealth {
  constructor(
    readonly instanceId: string,
    private readonly local: LocalTools,
    private readonly clock: Clock,
  ) {}

  async health(): Promise<HealthView> {
    return {
      scope: 'this_instance',
      detail: ONE_INSTANCE,
      instances: [
        { instance: this.instanceId, reportedAt: this.clock.now(), tools: this.local.health() },
      ],
    };
  }

  async reset(name: string): Promise<ResetOutcome> {
    const breaker = this.local.reset(name) ?? null;
    return {
      scope: 'this_instance',
      detail: ONE_INSTANCE,
      instances: [{ instance: this.instanceId, breaker }],
      unconfirmed: [],
    };
  }

  start(): void {}

  async close(): Promise<void> {}
}

/** How often an instance reports its health; a report lives three times as long. */
const REPORT_EVERY_MS = 5_000;
const REPORT_TTL_MS = 3 * REPORT_EVERY_MS;
/** How long a reset waits for the other instances to confirm. */
const CONFIRM_WAIT_MS = 2_000;

const breakerSchema = z.object({
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number(),
  lastFailureAt: z.number().nullable(),
  lastError: z.string().nullable(),
  nextProbeAt: z.number().nullable(),
});
const reportSchema = z.object({
  instance: z.string(),
  reportedAt: z.number(),
  tools: z.array(
    z.object({
      name: z.string(),
      breaker: breakerSchema,
      stats: z.object({
        calls: z.number(),
        failures: z.number(),
        p50Ms: z.number().nullable(),
        p95Ms: z.number().nullable(),
        lastOutcome: z.string().nullable(),
      }),
    }),
  ),
});
const resetRequestSchema = z.object({ id: z.string(), tool: z.string(), from: z.string() });
const resetReplySchema = z.object({
  id: z.string(),
  instance: z.string(),
  breaker: breakerSchema.nullable(),
});
type ResetReply = z.infer<typeof resetReplySchema>;

/**
 * Tool health shared through Redis. Each serving instance writes its tools' health to its own key
 * every few seconds (and at once when a breaker changes), expiring after three periods, so an
 * instance that died drops out by itself; a set lists the instances to read. A reset crosses a
 * pub/sub channel: every instance closes the breaker and answers on a reply channel, and the
 * asking instance waits briefly for the instances it knows to be live.
 *
 * Reports are not encrypted: they hold tool names, counts and error messages, not conversations.
 *
 * @example
 * const health = new RedisToolHealth(redis, () => connectRedis(url), {
 *   keyPrefix: 'support-agent:', instanceId: newInstanceId(), local, clock, logger,
 * });
 * health.start();
 */
export class RedisToolHealth implements SharedToolHealth {
  readonly instanceId: string;
  #subscriber: Redis | undefined;
  #listening: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #reportQueued = false;
  /** Whether the last report failed: logged when it starts and when it ends, not each time. */
  #failing = false;
  /** Whether the last read of the other instances failed, likewise. */
  #readFailing = false;
  #closed = false;
  readonly #waiting = new Map<string, (reply: ResetReply) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly connectSubscriber: () => Redis,
    private readonly options: {
      keyPrefix: string;
      instanceId: string;
      local: LocalTools;
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.instanceId = options.instanceId;
  }

  get #instancesKey(): string {
    return `${this.options.keyPrefix}tool-health-instances`;
  }

  #reportKey(instance: string): string {
    return `${this.options.keyPrefix}tool-health:${instance}`;
  }

  get #resetChannel(): string {
    return `${this.options.keyPrefix}tool-health-reset`;
  }

  get #replyChannel(): string {
    return `${this.options.keyPrefix}tool-health-reset-reply`;
  }

  #own(): InstanceHealth {
    return {
      instance: this.instanceId,
      reportedAt: this.options.clock.now(),
      tools: this.options.local.health(),
    };
  }

  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#listen().catch((error: unknown) =>
      this.options.logger.warn(
        { err: error },
        'tool health: could not subscribe to breaker resets in Redis; resets asked on other instances do not reach this one until it can',
      ),
    );
    this.#timer = setInterval(() => void this.report(), REPORT_EVERY_MS);
    this.#timer.unref();
    void this.report();
  }

  /** Reports this instance's health soon: a breaker changed, others should see it now. */
  reportSoon(): void {
    if (this.#timer === undefined || this.#reportQueued) return;
    this.#reportQueued = true;
    setImmediate(() => {
      this.#reportQueued = false;
      void this.report();
    });
  }

  /** Writes this instance's health to Redis; a failure is logged once until it works again. */
  async report(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.redis
        .multi()
        .set(this.#reportKey(this.instanceId), JSON.stringify(this.#own()), 'PX', REPORT_TTL_MS)
        .sadd(this.#instancesKey, this.instanceId)
        .pexpire(this.#instancesKey, REPORT_TTL_MS)
        .exec();
      // Resets are only listened for again when asked: an instance that started while Redis was
      // down, and is never asked for one itself, would otherwise never take the others' resets.
      if (this.#listening === undefined) void this.#listen().catch(() => undefined);
      if (this.#failing) {
        this.#failing = false;
        this.options.logger.info('tool health: reporting to Redis works again');
      }
    } catch (error) {
      if (!this.#failing) {
        this.#failing = true;
        this.options.logger.warn(
          { err: error },
          'tool health: could not report to Redis; other instances do not see this one until it can',
        );
      }
    }
  }

  async health(): Promise<HealthView> {
    const own = this.#own();
    try {
      const others = await this.#others();
      if (this.#readFailing) {
        this.#readFailing = false;
        this.options.logger.info('tool health: reading other instances works again');
      }
      return {
        scope: 'all_instances',
        detail: `Every live instance sharing this Redis (${others.length + 1}); each reports every ${REPORT_EVERY_MS / 1000} s.`,
        instances: [own, ...others],
      };
    } catch (error) {
      // Once an outage, not once a request: every look at the tools would repeat it.
      if (!this.#readFailing) {
        this.#readFailing = true;
        this.options.logger.warn({ err: error }, 'tool health: could not read other instances');
      }
      return {
        scope: 'this_instance',
        detail: 'This instance only: Redis is unavailable, so other instances cannot be read.',
        instances: [own],
      };
    }
  }

  /** The other live instances' reports, by id; ones whose report expired are forgotten. */
  async #others(): Promise<InstanceHealth[]> {
    const ids = (await this.redis.smembers(this.#instancesKey))
      .filter((id) => id !== this.instanceId)
      .sort();
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.#reportKey(id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0) this.redis.srem(this.#instancesKey, ...gone).catch(() => undefined);
    return values.flatMap((value) => {
      if (value === null) return [];
      // A report that does not parse (another version, a stray write) is left out, not fatal.
      const parsed = reportSchema.safeParse(safeJson(value));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async reset(name: string): Promise<ResetOutcome> {
    const breaker = this.options.local.reset(name) ?? null;
    this.reportSoon();
    const own = { instance: this.instanceId, breaker };
    const id = randomUUID();
    const replies: ResetReply[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await this.#listen();
      const live = (await this.#others()).map((other) => other.instance);
      const confirmed = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CONFIRM_WAIT_MS);
        this.#waiting.set(id, (reply) => {
          replies.push(reply);
          if (live.every((instance) => replies.some((r) => r.instance === instance))) resolve();
        });
      });
      await this.redis.publish(
        this.#resetChannel,
        JSON.stringify({ id, tool: name, from: this.instanceId }),
      );
      if (live.length > 0) await confirmed;
      return {
        scope: 'all_instances',
        detail:
          'Sent to every instance sharing this Redis; `instances` lists those that confirmed, `unconfirmed` the live ones that did not in time: look again with GET /v1/admin/tools.',
        instances: [own, ...replies.map(({ instance, breaker }) => ({ instance, breaker }))],
        unconfirmed: live.filter((instance) => !replies.some((r) => r.instance === instance)),
      };
    } catch (error) {
      this.options.logger.warn({ err: error, tool: name }, 'tool health: could not send a reset');
      return {
        scope: 'this_instance',
        detail:
          'Reset on this instance only: Redis is unavailable, so the reset could not be sent to the other instances.',
        instances: [own],
        unconfirmed: [],
      };
    } finally {
      clearTimeout(timer);
      this.#waiting.delete(id);
    }
  }

  /** Subscribes to resets and their replies, once; a failed attempt is tried again next time. */
  #listen(): Promise<void> {
    if (this.#listening) return this.#listening;
    this.#subscriber ??= this.#newSubscriber();
    this.#listening = this.#subscriber
      .subscribe(this.#resetChannel, this.#replyChannel)
      .then(() => undefined);
    this.#listening.catch(() => (this.#listening = undefined));
    return this.#listening;
  }

  #newSubscriber(): Redis {
    const subscriber = this.connectSubscriber();
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#resetChannel) {
        const request = resetRequestSchema.safeParse(safeJson(message));
        if (request.success) this.#onReset(request.data);
      } else if (channel === this.#replyChannel) {
        const reply = resetReplySchema.safeParse(safeJson(message));
        if (reply.success) this.#waiting.get(reply.data.id)?.(reply.data);
      }
    });
    return subscriber;
  }

  #onReset(request: z.infer<typeof resetRequestSchema>): void {
    if (request.from === this.instanceId) return;
    const breaker = this.options.local.reset(request.tool) ?? null;
    if (breaker !== null) {
      this.options.logger.info(
        { tool: request.tool, askedOn: request.from },
        'circuit breaker reset by an administrator, asked on another instance',
      );
    }
    const reply: ResetReply = { id: request.id, instance: this.instanceId, breaker };
    this.redis
      .publish(this.#replyChannel, JSON.stringify(reply))
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'tool health: could not confirm a reset'),
      );
    this.reportSoon();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      // Leaves at once rather than when its report expires: a stopped instance is not live.
      await this.redis
        .multi()
        .del(this.#reportKey(this.instanceId))
        .srem(this.#instancesKey, this.instanceId)
        .exec()
        .catch(() => undefined);
    }
    this.#subscriber?.disconnect();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
