import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../resilience/index.js';
import type { ConversationRepository, OutboxRecord } from '../../store/index.js';

/** Options of a {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  repo: ConversationRepository;
  url: string;
  /** Signs every delivery: receivers check `X-Support-Agent-Signature` (see {@link signature}). */
  secret: string;
  clock: Clock;
  logger: Logger;
  fetch?: typeof fetch;
  /** How often due items are looked for; 1 s by default. */
  pollMs?: number;
  /** Per-request time limit; 10 s by default. */
  timeoutMs?: number;
}

/**
 * The signature header of a delivery: `sha256=` and the hex HMAC-SHA256, with the secret, of the
 * `X-Support-Agent-Timestamp` value (Unix seconds), a dot, and the raw body. Signed with its
 * time, a delivery someone captured cannot be replayed later: receivers refuse an old timestamp.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** While the outbox cannot be read, the log says so at most this often. */
const FAILURE_LOG_MS = 30_000;

/** Wait before the next attempt after `attempts` failures: 1 s doubling, at most 5 minutes. */
export function redeliveryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Messages leased per pass: the lease covers delivering each of them up to its timeout. */
const LEASE_BATCH = 10;

/**
 * Delivers the outbox to a webhook, at least once: each item is POSTed as JSON with its stable
 * delivery id and an HMAC-SHA256 signature; a failure (network, timeout, non-2xx) is recorded
 * and the item retried with backoff until the receiver accepts it. Items survive restarts, since
 * they live in the database; a receiver must therefore treat the delivery id as idempotency key.
 * Several instances may poll one outbox: each item is leased to one of them at a time.
 *
 * In order per session (see `ConversationRepository.leaseOutbox`): a ticket's event is not sent
 * before the receiver accepted every earlier event of its session, so a `ticket.updated` never
 * arrives before the `ticket.created` it updates, even while that one is retried. The dispatcher
 * never gives up by itself: an event the receiver refuses for ever holds back its session's
 * later events (and only those), which is what ordering means. Each failure is logged with the
 * session it holds back; `/v1/admin/outbox` lists the events that hold sessions back, with their
 * errors, and an operator may skip one (`ConversationRepository.skipOutbox`), which lets its
 * session's later events go. Erasing the session removes them all.
 *
 * @example
 * const dispatcher = new WebhookDispatcher({ repo, url, secret, clock: systemClock, logger });
 * dispatcher.start();
 */
export class WebhookDispatcher {
  readonly #options: WebhookDispatcherOptions;
  #timer: TimerHandle | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;
  /** Aborted by {@link stop}: a delivery in progress is given up, not waited for. */
  #stopping = new AbortController();

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
  }

  /**
   * How long a lease lasts: a batch's posts at their time limit, and a margin. A post of a
   * message leased before now has ended by `now + leaseMs`, whichever instance made it.
   */
  get leaseMs(): number {
    return LEASE_BATCH * (this.#options.timeoutMs ?? 10_000) + 30_000;
  }

  /**
   * Delivers every item that is due now, each session's in order (its next as soon as the one
   * before it is delivered); returns how many were delivered.
   */
  deliverDue(): Promise<number> {
    // One pass at a time: a slow receiver must not get the same item twice in parallel.
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Polls for due items until {@link stop}. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stopping = new AbortController();
    const tick = () => {
      void this.deliverDue()
        .then(
          () => this.#outboxReachable(),
          (error: unknown) => this.#outboxUnreachable(error),
        )
        .finally(() => {
          if (!this.#stopped)
            this.#timer = this.#options.clock.setTimer(tick, this.#options.pollMs ?? 1000);
        });
    };
    tick();
  }

  /** When the outbox could last not be read or written (the database away), and was said so. */
  #failingSince: number | undefined;
  #failureLoggedAt = 0;

  /**
   * A pass that failed (the database went away mid-pass, or is away): polling goes on, and what
   * was leased and not marked is due again when its lease ends. Said in the log when it starts,
   * then at most every {@link FAILURE_LOG_MS} while it lasts, not once per poll.
   */
  #outboxUnreachable(error: unknown): void {
    const now = this.#options.clock.now();
    this.#failingSince ??= now;
    if (this.#failureLoggedAt !== 0 && now - this.#failureLoggedAt < FAILURE_LOG_MS) return;
    this.#failureLoggedAt = now;
    this.#options.logger.error(
      { err: error, failingForMs: now - this.#failingSince },
      'webhook deliveries are paused: the outbox cannot be read; retrying',
    );
  }

  #outboxReachable(): void {
    if (this.#failingSince === undefined) return;
    this.#options.logger.info(
      { pausedMs: this.#options.clock.now() - this.#failingSince },
      'webhook deliveries resumed',
    );
    this.#failingSince = undefined;
    this.#failureLoggedAt = 0;
  }

  /**
   * Stops polling. A delivery in progress is abandoned (a receiver that hangs must not hold a
   * shutdown) and its item is due again at once, for another instance or the next start; the
   * rest of the pass is left for then too.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    await this.#running;
  }

  async #pass(): Promise<number> {
    // A lease holds one message of a session at most (its next waits until this one is
    // delivered): lease again while a lease delivered anything, so that a ticket's events
    // queued together go out in one pass, not one per poll.
    let delivered = 0;
    for (;;) {
      const more = await this.#deliverLease();
      delivered += more;
      if (more === 0 || this.#stopping.signal.aborted) return delivered;
    }
  }

  /** Leases a batch and posts its items one by one; returns how many were delivered. */
  async #deliverLease(): Promise<number> {
    const { repo, clock } = this.#options;
    // Leased, not just read: instances polling one outbox never deliver a message twice at
    // once, and a message whose deliverer dies is due again when the lease ends.
    const now = clock.now();
    const due = await repo.leaseOutbox(
      new Date(now).toISOString(),
      LEASE_BATCH,
      new Date(now + this.leaseMs).toISOString(),
    );
    let delivered = 0;
    const stopping = this.#stopping.signal;
    for (const item of due) {
      if (stopping.aborted) {
        // Leased but not tried: due again now rather than when the lease would end.
        await repo.releaseOutbox(item.id, new Date(now).toISOString());
        continue;
      }
      const started = clock.now();
      const error = await this.#post(item, stopping);
      if (error === undefined) {
        await repo.markDelivered(item.id, new Date(clock.now()).toISOString());
        delivered++;
        this.#options.logger.info(
          {
            deliveryId: item.id,
            topic: item.topic,
            sessionId: item.sessionId,
            attempts: item.attempts + 1,
            ms: clock.now() - started,
          },
          'webhook delivered',
        );
      } else if (stopping.aborted) {
        await repo.markFailed(item.id, error, new Date(clock.now()).toISOString());
      } else {
        const next = new Date(clock.now() + redeliveryDelayMs(item.attempts + 1)).toISOString();
        await repo.markFailed(item.id, error, next);
        this.#options.logger.warn(
          {
            deliveryId: item.id,
            topic: item.topic,
            // The session whose later messages wait until this one is accepted (or skipped).
            sessionId: item.sessionId,
            attempts: item.attempts + 1,
            error,
            nextAttemptAt: next,
          },
          'webhook delivery failed; will retry',
        );
      }
    }
    return delivered;
  }

  /** Sends one item; returns why it failed, or undefined when the receiver took it. */
  async #post(item: OutboxRecord, stopping: AbortSignal): Promise<string | undefined> {
    const body = JSON.stringify({
      id: item.id,
      topic: item.topic,
      createdAt: item.createdAt,
      payload: item.payload,
    });
    const timestamp = String(Math.floor(this.#options.clock.now() / 1000));
    try {
      const response = await (this.#options.fetch ?? fetch)(this.#options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-support-agent-delivery': item.id,
          'x-support-agent-topic': item.topic,
          'x-support-agent-timestamp': timestamp,
          'x-support-agent-signature': signature(this.#options.secret, timestamp, body),
        },
        body,
        // A redirect is not followed: fetch would repeat the POST as a GET without its body, and
        // the 200 of the page redirected to would count an event as delivered that was lost.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.#options.timeoutMs ?? 10_000), stopping]),
      });
      await response.body?.cancel();
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        return `HTTP ${response.status}, redirected${location ? ` to ${location.slice(0, 200)}` : ''}: set the webhook URL to where it points`;
      }
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      if (stopping.aborted) return 'not answered before the server stopped';
      if ((error as Error).name === 'TimeoutError') return 'no answer in time';
      // fetch says only "fetch failed"; why (ECONNREFUSED, a DNS failure) is in its cause.
      const cause = (error as Error).cause as { message?: string } | undefined;
      return cause?.message
        ? `${(error as Error).message}: ${cause.message}`
        : (error as Error).message;
    }
  }
}
