/**
 * A question asked again opens a ticket; a follow-up that asks something new does not count as
 * asking again. Through the whole turn, on the help centers of a bank, an energy supplier and a
 * store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { openQaApp } from './helpers/qa-app.js';

let app: App;

beforeAll(async () => {
  app = await openQaApp();
});

afterAll(async () => {
  await app.close();
});

const say = (sessionId: string, text: string) => app.turns.start({ sessionId, text }).result;
const repeats = (reasons: string[]) => reasons.filter((r) => r.startsWith('repeats an earlier'));

describe('a follow-up after the same question asked six times', () => {
  it.each(['and overnight?', 'what about sunday?'])(
    '%j is not taken for that question again',
    async (followUp) => {
      const session = `follow-up ${followUp}`;
      for (let n = 1; n <= 6; n++)
        await say(session, `question ${n}: how much is express shipping`);
      const reply = await say(session, followUp);
      expect(reply.escalation.escalate).toBe(false);
      expect(repeats(reply.escalation.reasons)).toEqual([]);
    },
  );
});

describe('the same question asked three times in other words', () => {
  it('opens a ticket on the third', async () => {
    await say('refund', 'where is my refund');
    await say('refund', "where's my refund??");
    const reply = await say('refund', "I still don't have my refund");
    expect(reply.escalation.escalate).toBe(true);
    expect(reply.escalation.ticketId).toBeDefined();
    expect(repeats(reply.escalation.reasons)).toEqual([
      'repeats an earlier question (similarity 1.00); asked 3 times or more',
    ]);
  });
});
