import { describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../../rag/search/retriever.js';
import {
  composeExtractiveAnswer,
  frameExtractiveAnswer,
  PassageCache,
  readExtractiveAnswer,
  type ExtractiveInput,
} from './index.js';

let nextId = 1;
function chunk(title: string, text: string): RetrievedChunk {
  const id = nextId++;
  return {
    chunkId: id,
    documentId: `doc-${id}`,
    title,
    headingPath: [title],
    source: `help/${title.toLowerCase()}.md`,
    url: null,
    text,
    snippet: text.slice(0, 80),
    score: 10 - id,
  };
}

const SOURCES = [
  chunk('Refunds', 'Refunds reach your card within 5 business days. Contact us for exceptions.'),
  chunk('Shipping', 'Parcels ship within 2 days. Tracking links are e-mailed when they leave.'),
];

const TICKET = { ticketId: 'T-1', askContact: true };

describe('readExtractiveAnswer and frameExtractiveAnswer', () => {
  const questions = [
    'How long do refunds take?',
    'Can I buy bitcoin in the app?',
    'thanks!',
    'What is my order number?',
  ];
  const inputs = (question: string): ExtractiveInput[] => {
    const base: ExtractiveInput = {
      question,
      sources: SOURCES,
      facts: [{ kind: 'order_number', value: 'A-123' }],
      firstTurn: true,
      ...(question === 'thanks!' ? { shortReply: 'thanks' as const } : {}),
    };
    return [
      base,
      { ...base, escalated: TICKET },
      { ...base, escalated: { ...TICKET, safety: true, harmed: true } },
      { ...base, escalated: TICKET, handover: true },
      { ...base, firstTurn: false, upset: true },
    ];
  };

  it('frame one reading, made without a ticket, as each answer is composed', () => {
    for (const question of questions) {
      const passages = new PassageCache();
      const [draft, ...others] = inputs(question) as [ExtractiveInput, ...ExtractiveInput[]];
      const reading = readExtractiveAnswer(draft, { passages });
      for (const input of [draft, ...others]) {
        expect(frameExtractiveAnswer(input, reading), question).toEqual(
          composeExtractiveAnswer(input),
        );
      }
    }
  });

  it('give each answer a list of citations of its own', () => {
    const input: ExtractiveInput = {
      question: 'How long do refunds take?',
      sources: SOURCES,
      facts: [],
      firstTurn: false,
    };
    const reading = readExtractiveAnswer(input);
    const first = frameExtractiveAnswer(input, reading);
    first.cited.push(99);
    expect(frameExtractiveAnswer({ ...input, escalated: TICKET }, reading).cited).toEqual([1]);
  });
});
