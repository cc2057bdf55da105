/**
 * A vulnerable customer through the turn: handed to the safety team, and answered with care
 * rather than with the emergency services, which only a danger calls for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { FakeClock } from '../src/testing/index.js';
import { seedKnowledge } from './helpers/http.js';

let app: App;

beforeEach(async () => {
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', TOOL_RETRY_ATTEMPTS: '1' } }), {
    databasePath: ':memory:',
    clock: new FakeClock(Date.now()),
  });
  await seedKnowledge(app);
});
afterEach(() => app.close());

const say = (sessionId: string, text: string) => app.turns.start({ sessionId, text }).result;
const EMERGENCY = /emergency services/i;

describe('a vulnerable customer', () => {
  it('is handed to the safety team without being told to call the emergency services', async () => {
    const reply = await say('v1', 'my husband passed away last month, how do I close his account');
    expect(reply.escalation).toMatchObject({ escalate: true, category: 'safety' });
    expect(reply.escalation.reasons[0]).toMatch(/^vulnerable customer: /);
    expect(reply.text).toContain(`(ticket ${reply.escalation.ticketId})`);
    expect(reply.text).not.toMatch(EMERGENCY);
  });

  it('in crisis is told of the emergency services first, as a danger is', async () => {
    const reply = await say('v2', "I can't go on like this, the debt letters keep coming");
    expect(reply.escalation).toMatchObject({ escalate: true, category: 'safety' });
    expect(reply.text).toMatch(EMERGENCY);
  });
});
