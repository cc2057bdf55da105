import { describe, expect, it } from 'vitest';
import { streamedText } from './helpers/llm-app.js';
import { useLlmApp } from './helpers/llm-suite.js';

const llm = useLlmApp([
  ['Can I return an item?', 'You can return an item within 30 days.'],
  ['Can I exchange an item?', 'Exchanging an item is free of charge.'],
]);
const { turn } = llm;

describe("the model's citations", () => {
  it('that name no source are not shown: neither streamed, split across pieces, nor stored', async () => {
    // Pieces of three characters: "[7]" arrives as " [7" and "]." or the like.
    for (const chunkSize of [1, 2, 3, 5]) {
      llm.fake.chatReplies({
        text: 'You can return it within 30 days [1]. Exchanges are free [2]. See also [7].',
        chunkSize,
      });
      const { events, result } = await turn(`c${chunkSize}`, 'Can I return or exchange an item?');
      const shown = 'You can return it within 30 days [1]. Exchanges are free [2]. See also.';
      expect(result).toMatchObject({ answeredBy: 'llm', text: shown });
      expect(result.sources.map((s) => s.id)).toEqual([1, 2]);
      expect(streamedText(events)).toBe(shown);
      const stored = await llm.app.conversations.recentMessages(`c${chunkSize}`, 1);
      expect(stored.at(-1)?.text).toBe(shown);
    }
  });

  it('all pass when each names a source', async () => {
    const reply = 'Returns within 30 days [1]; exchanges are free [2].';
    llm.fake.chatReplies({ text: reply, chunkSize: 2 });
    const { events, result } = await turn('c-ok', 'Can I return or exchange an item?');
    expect(result.text).toBe(reply);
    expect(streamedText(events)).toBe(reply);
  });
});
