// Tickets as the staff's tools see them: one opened the way a customer opens it, and a server
// whose ticket events go to a webhook receiver that keeps each delivery.
import { expect } from 'vitest';
import type { AppOverrides } from '../../src/app.js';
import { webhookPayloadSchemas } from '../../src/protocol/admin-api.js';
import {
  call,
  createSession,
  startServer,
  startWebhookReceiver,
  type Json,
  type TestServer,
} from './http.js';

/** One delivery of the ticket webhook, as its receiver read it. */
export interface Delivery {
  topic: string;
  payload: Json;
}

/** A test server whose webhook deliveries are kept in `received`; `close` stops the receiver too. */
export interface HookedServer extends TestServer {
  received: Delivery[];
}

/**
 * Starts a webhook receiver that takes every delivery (204) and keeps it, and a server that sends
 * its ticket events there; `env` and `overrides` as for `startServer`. Deliveries go out when
 * the test asks (`app.webhooks.deliverDue()`).
 */
export async function startHookedServer(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<HookedServer> {
  const received: Delivery[] = [];
  const receiver = await startWebhookReceiver((_request, body) => {
    received.push(JSON.parse(body) as Delivery);
    return 204;
  });
  const server = await startServer({ ...receiver.env, ...env }, overrides);
  return {
    ...server,
    received,
    async close() {
      await server.close();
      await receiver.close();
    },
  };
}

/** Asserts each delivery's payload is as the OpenAPI document describes its topic. */
export function expectDescribedPayloads(received: readonly Delivery[]): void {
  for (const { topic, payload } of received) {
    const schema = webhookPayloadSchemas[topic as keyof typeof webhookPayloadSchemas];
    expect(schema.safeParse(payload).error, topic).toBeUndefined();
  }
}

/** Opens a ticket as a customer does, by asking for a person; its id. */
export async function openTicket(url: string): Promise<string> {
  const customer = await createSession(url);
  const sent = await call(url, 'POST', `/v1/sessions/${customer.id}/messages`, {
    token: customer.token,
    body: { text: 'I want to speak to a human right now!' },
  });
  const ticketId = sent.body.escalation?.ticketId;
  if (typeof ticketId !== 'string') throw new Error('no ticket was opened');
  return ticketId;
}
