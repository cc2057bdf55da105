import { describe, expect, it } from 'vitest';
import type { ConversationRepository } from '../../src/store/index.js';

/**
 * Messages the staff write into a conversation, as every ConversationRepository must keep them:
 * part of the repository's contract (see `describeConversationRepository`), run with the same
 * factory.
 */
export function describeStaffMessages(
  name: string,
  make: (now?: () => Date) => Promise<ConversationRepository>,
): void {
  const message = (role: 'user' | 'assistant' | 'staff', text: string) => ({
    id: `${role}-${text}`,
    sessionId: 's',
    role,
    text,
    turnId: `t-${text}`,
    requestId: null,
    metadata: {},
  });

  describe(`ConversationRepository staff messages: ${name}`, () => {
    it("keeps the staff's messages in the history, in order, but not in the turns' reading", async () => {
      const repo = await make();
      await repo.appendMessage(message('user', 'where is my parcel?'));
      await repo.appendMessage(message('assistant', 'parcels take 5 days'));
      const written = await repo.appendMessage(message('staff', 'it left today'));
      expect(written).toMatchObject({ role: 'staff', seq: 3 });
      await repo.appendMessage(message('user', 'thanks!'));

      expect((await repo.messages('s')).map((m) => [m.seq, m.role, m.text])).toEqual([
        [1, 'user', 'where is my parcel?'],
        [2, 'assistant', 'parcels take 5 days'],
        [3, 'staff', 'it left today'],
        [4, 'user', 'thanks!'],
      ]);
      expect((await repo.recentMessages('s', 2)).map((m) => m.role)).toEqual(['staff', 'user']);
      // A turn reads the conversation between the customer and the agent only.
      expect((await repo.recentTurns('s', 3)).map((m) => [m.seq, m.role])).toEqual([
        [1, 'user'],
        [2, 'assistant'],
        [4, 'user'],
      ]);
      // The transcript's size counts it.
      expect(await repo.countMessages('s')).toBe(4);
    });

    it('keeps the name a staff message is signed with, and no name for the others', async () => {
      const repo = await make();
      await repo.appendMessage(message('user', 'where is my parcel?'));
      const signed = await repo.appendMessage({
        ...message('staff', 'it left today'),
        author: 'Zoë Okafor',
      });
      expect(signed).toMatchObject({ role: 'staff', seq: 2, author: 'Zoë Okafor' });
      await repo.appendMessage(message('staff', 'anything else?'));

      const read = await repo.messages('s');
      expect(read.map((m) => [m.role, m.author])).toEqual([
        ['user', undefined],
        ['staff', 'Zoë Okafor'],
        ['staff', undefined],
      ]);
      // A message without a name has none at all, not an empty one.
      expect(read[2]).not.toHaveProperty('author');
      expect(read[1]).toEqual(signed);
      expect((await repo.recentMessages('s', 2)).map((m) => m.author)).toEqual([
        'Zoë Okafor',
        undefined,
      ]);
    });

    it("finds the customer's first message behind the staff's", async () => {
      const repo = await make();
      await repo.appendMessage(message('staff', 'hello, this is Sam'));
      await repo.appendMessage(message('staff', 'your refund went out'));
      expect(await repo.messages('s', { role: 'user', limit: 1 })).toEqual([]);
      await repo.appendMessage(message('user', 'when will it arrive?'));
      await repo.appendMessage(message('assistant', 'within 5 days'));
      await repo.appendMessage(message('user', 'thanks'));

      const first = await repo.messages('s', { role: 'user', limit: 1 });
      expect(first.map((m) => [m.seq, m.text])).toEqual([[3, 'when will it arrive?']]);
      expect((await repo.messages('s', { role: 'staff' })).map((m) => m.seq)).toEqual([1, 2]);
      expect((await repo.messages('s', { role: 'user', afterSeq: 3 })).map((m) => m.text)).toEqual([
        'thanks',
      ]);
    });
  });
}
