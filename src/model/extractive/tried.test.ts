import { describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../../rag/search/retriever.js';
import { composeExtractiveAnswer } from './index.js';

/** A retrieved passage; only the title and the text matter to the responder. */
function chunk(title: string, text: string): RetrievedChunk {
  return {
    chunkId: 1,
    documentId: 'doc-1',
    title,
    headingPath: [],
    source: 'help/connection-problems.md',
    url: null,
    text,
    snippet: text.slice(0, 80),
    score: 10,
  };
}

const DROPS = chunk(
  'Connection problems',
  'If your connection drops, restart the Hub before doing anything else. Then check the cable ' +
    'between the Hub and the wall socket.',
);

function answer(question: string, tried: string[]) {
  return composeExtractiveAnswer({
    question,
    sources: [DROPS],
    facts: [],
    firstTurn: false,
    ...(tried.length > 0 ? { tried } : {}),
  });
}

describe('steps a first message says were tried', () => {
  it('are not told again: the step after them is', () => {
    const question = 'my connection keeps dropping, I already restarted the hub';
    expect(answer(question, []).text).toContain('restart the Hub');
    const reply = answer(question, ['restarted hub']);
    expect(reply.text).not.toContain('restart the Hub');
    expect(reply.text).toContain('Then check the cable between the Hub and the wall socket');
  });

  it('all tried, the reply says the help center has nothing beyond them and offers a person', () => {
    const reply = answer(
      'my connection keeps dropping, I already restarted the hub and checked the cable',
      ['restarted hub', 'checked cable'],
    );
    expect(reply.found).toBe(false);
    expect(reply.text).toBe(
      "I'm afraid our help center suggests nothing beyond what you've tried already. Would you " +
        'like me to connect you with a member of our support team?',
    );
  });
});

const UNLOCK = chunk(
  'Unlocking',
  "If the door won't unlock, try these steps.\n\n1. Restart the phone.\n2. Clear the app's cache.\n" +
    '3. Move close to the boot.\n\nIf it still stays shut, contact Support. We can open it from afar.',
);

describe('several steps tried, of one list', () => {
  it('the first and the last done, what comes after the last answers first, with the one passed over', () => {
    const reply = composeExtractiveAnswer({
      question: "door won't unlock, restarted the phone, standing by the boot",
      sources: [UNLOCK],
      facts: [],
      firstTurn: false,
      tried: ['restarted phone', 'moved boot'],
    });
    expect(reply.text).not.toContain('Restart the phone');
    expect(reply.text).not.toContain('Move close to the boot');
    expect(reply.text).toContain('If it still stays shut, contact Support');
    // What follows from it comes along, as it does with the best sentence.
    expect(reply.text).toContain('We can open it from afar');
    expect(reply.text).toContain("Clear the app's cache");
  });
});
