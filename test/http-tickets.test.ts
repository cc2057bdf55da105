/**
 * Staff working a ticket through the admin API on a real server: its priority and the person it
 * is given to set with PATCH, shown where tickets are read and listed, the list filtered by that
 * person, the webhook told, and bad changes refused in the one error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, startServer, type Json, type TestServer } from './helpers/http.js';
import {
  expectDescribedPayloads,
  openTicket,
  startHookedServer,
} from './helpers/ticket-webhooks.js';

const admin = { token: ADMIN_KEY };

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

const patch = (id: string, body: unknown) =>
  call(t.url, 'PATCH', `/v1/admin/tickets/${id}`, { ...admin, body });
const listed = async (query: string) => {
  const page = await call(t.url, 'GET', `/v1/admin/tickets?${query}`, admin);
  expect(page.status).toBe(200);
  return (page.body.items as Json[]).map((x) => x.id as string);
};

describe('a ticket', () => {
  it('takes a priority and an assignee, shows them, and is listed by its assignee', async () => {
    const ticketId = await openTicket(t.url);
    const other = await openTicket(t.url);
    const before = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
    expect(before.body.ticket.assignee).toBeNull();

    const changed = await patch(ticketId, { priority: 'urgent', assignee: '  Dana Scully ' });
    expect(changed.status).toBe(200);
    // Only what was given changed; the spaces around the name are not part of it.
    expect(changed.body).toMatchObject({
      id: ticketId,
      status: before.body.ticket.status,
      priority: 'urgent',
      assignee: 'Dana Scully',
    });
    const read = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
    expect(read.body.ticket).toEqual(changed.body);

    await patch(other, { assignee: 'fox@example.com', status: 'pending' });
    expect(await listed('assignee=Dana%20Scully')).toEqual([ticketId]);
    expect(await listed('assignee=fox@example.com&status=pending')).toEqual([other]);
    expect(await listed('assignee=fox@example.com&status=open')).toEqual([]);
    const all = await call(t.url, 'GET', '/v1/admin/tickets', admin);
    const item = (all.body.items as Json[]).find((x) => x.id === other);
    expect(item).toMatchObject({ assignee: 'fox@example.com', status: 'pending' });

    // Null gives it back to no one; the priority stays.
    const unassigned = await patch(ticketId, { assignee: null });
    expect(unassigned.body).toMatchObject({ assignee: null, priority: 'urgent' });
    expect(await listed('assignee=Dana%20Scully')).toEqual([]);
  });

  it('is listed by its assignee in any letter case, and among the unassigned until taken', async () => {
    const ticketId = await openTicket(t.url);
    expect(await listed('unassigned=true&limit=200')).toContain(ticketId);
    await patch(ticketId, { assignee: 'Walter.Skinner@FBI.example' });
    expect(await listed('assignee=walter.skinner@fbi.example')).toEqual([ticketId]);
    expect(await listed('unassigned=true&limit=200')).not.toContain(ticketId);
    const refused = async (query: string, message: RegExp) => {
      const list = await call(t.url, 'GET', `/v1/admin/tickets?${query}`, admin);
      expect(list.status).toBe(400);
      expect(list.body.error.code).toBe('invalid_input');
      expect(list.body.error.message).toMatch(message);
    };
    await refused('unassigned=true&assignee=Walter', /give "assignee" or "unassigned", not both/);
    await refused('unassigned=yes', /unassigned/);
  });

  it('refuses a change it cannot make, in the one error shape, and changes nothing', async () => {
    const ticketId = await openTicket(t.url);
    const before = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
    const refused = async (body: unknown, message: RegExp) => {
      const response = await patch(ticketId, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: {
          code: 'invalid_input',
          message: expect.any(String),
          requestId: expect.any(String),
        },
      });
      expect(response.body.error.message).toMatch(message);
    };
    await refused(
      { priority: 'critical' },
      /^Invalid ticket change: priority: must be one of "low", "normal", "high" or "urgent", not "critical"$/,
    );
    await refused({ assignee: 'x'.repeat(201) }, /assignee: must be at most 200 characters/);
    await refused({}, /give at least one of "status", "priority" or "assignee"/);
    await refused({ assignee: '   ' }, /assignee: must not be empty/);
    await refused({ assignee: 'Dana\nScully' }, /assignee: must not contain control characters/);
    await refused({ assignee: 7 }, /assignee: expected a string, got a number/);
    await refused({ assignee: 'Dana', team: 'x' }, /unknown field "team"/);
    const read = await call(t.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
    expect(read.body.ticket).toEqual(before.body.ticket);
    // The list's filter is held to the same length.
    const list = await call(t.url, 'GET', `/v1/admin/tickets?assignee=${'x'.repeat(201)}`, admin);
    expect(list.status).toBe(400);
    expect(list.body.error.message).toMatch(/assignee: must be at most 200 characters/);
    // 200 characters are taken.
    expect((await patch(ticketId, { assignee: 'x'.repeat(200) })).status).toBe(200);
  });
});

describe("a ticket's webhook", () => {
  it('is told of a new assignee or priority, once, and of a status change with it', async () => {
    const hooked = await startHookedServer();
    const { received } = hooked;
    try {
      const ticketId = await openTicket(hooked.url);
      const opened = await call(hooked.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
      const { priority } = opened.body.ticket as { priority: string };
      const change = (body: unknown) =>
        call(hooked.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, { ...admin, body });
      const assigned = await change({ assignee: 'Dana' });
      expect((await change({ assignee: 'Dana' })).body).toEqual(assigned.body);
      await change({ status: 'resolved', priority: 'low' });

      await hooked.app.webhooks?.deliverDue();
      expect(received.map((r) => r.topic)).toEqual([
        'ticket.created',
        'ticket.changed',
        'ticket.status_changed',
        'ticket.changed',
      ]);
      expect(received[1]?.payload).toMatchObject({
        ticket: { id: ticketId, assignee: 'Dana', priority },
        from: { assignee: null, priority },
      });
      expect(received[2]?.payload).toMatchObject({
        ticket: { assignee: 'Dana', priority: 'low', status: 'resolved' },
        from: 'open',
        to: 'resolved',
      });
      // The priority that changed with the status is told as a change of its own.
      expect(received[3]?.payload).toMatchObject({
        ticket: { assignee: 'Dana', priority: 'low', status: 'resolved' },
        from: { assignee: 'Dana', priority },
      });
      expectDescribedPayloads(received);
    } finally {
      await hooked.close();
    }
  });

  it('is told of a status and an assignee changed together, each under its own topic', async () => {
    const hooked = await startHookedServer();
    const { received } = hooked;
    try {
      const ticketId = await openTicket(hooked.url);
      const opened = await call(hooked.url, 'GET', `/v1/admin/tickets/${ticketId}`, admin);
      const { priority } = opened.body.ticket as { priority: string };
      const change = (body: unknown) =>
        call(hooked.url, 'PATCH', `/v1/admin/tickets/${ticketId}`, { ...admin, body });
      const given = await change({ status: 'pending', assignee: 'alice@example.com' });
      expect(given.body).toMatchObject({ status: 'pending', assignee: 'alice@example.com' });
      const handedBack = await change({ assignee: null, status: 'resolved' });
      expect(handedBack.body).toMatchObject({ status: 'resolved', assignee: null });
      // The assignee alone, the status kept: one event, as before.
      await change({ assignee: 'bob@example.com', status: 'resolved' });

      await hooked.app.webhooks?.deliverDue();
      expect(received.map((r) => [r.topic, r.payload.from])).toEqual([
        ['ticket.created', undefined],
        ['ticket.status_changed', 'open'],
        ['ticket.changed', { priority, assignee: null }],
        ['ticket.status_changed', 'pending'],
        ['ticket.changed', { priority, assignee: 'alice@example.com' }],
        ['ticket.changed', { priority, assignee: null }],
      ]);
      // Each event carries the ticket as the change left it.
      expect(
        received.slice(1).map((r) => [r.payload.ticket.status, r.payload.ticket.assignee]),
      ).toEqual([
        ['pending', 'alice@example.com'],
        ['pending', 'alice@example.com'],
        ['resolved', null],
        ['resolved', null],
        ['resolved', 'bob@example.com'],
      ]);
      expect(received[1]?.payload).toMatchObject({ to: 'pending' });
      expect(received[3]?.payload).toMatchObject({ to: 'resolved' });
      expectDescribedPayloads(received);
    } finally {
      await hooked.close();
    }
  });
});
