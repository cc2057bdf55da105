import { describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../../rag/search/retriever.js';
import { composeExtractiveAnswer } from './index.js';

let nextId = 1;
/** A retrieved passage of an article (`article`), under its headings. */
function chunk(article: string, text: string, heading: string): RetrievedChunk {
  const id = nextId++;
  return {
    chunkId: id,
    documentId: article,
    title: article,
    headingPath: [article, heading],
    source: `help/${article.toLowerCase().replace(/\W+/g, '-')}.md`,
    url: null,
    text,
    snippet: text.slice(0, 80),
    score: 10 - id / 10,
  };
}

const appointment = chunk(
  'Fibre installation',
  'After you order Lumenet Fibre, you can choose an installation appointment from 5 to 10 ' +
    'working days after your order date. Appointments are offered in two slots, 8am to 12pm or ' +
    '12pm to 5pm, from Monday to Saturday.',
  'Choosing an installation appointment',
);
const live = chunk(
  'Getting connected',
  'Your fibre service usually goes live within 1 hour of the engineer leaving. If your service ' +
    'is not live 24 hours after installation, report it in My Lumenet.',
  'When your service goes live',
);

function answer(question: string) {
  return composeExtractiveAnswer({
    question,
    sources: [appointment, live],
    facts: [],
    firstTurn: false,
    related: [
      { from: 'sign up', to: 'signup', weight: 0.6 },
      { from: 'sign up', to: 'register', weight: 0.6 },
    ],
  });
}

describe('a word of the question that no passage has', () => {
  it('in a clause that says when ("after I sign up") tells the circumstances: answered', () => {
    const result = answer('how long after i sign up until someone comes to install?');
    expect(result.found).toBe(true);
    expect(result.text).toContain('from 5 to 10 working days after your order date [1]');
  });

  it('that says what is asked about is not answered on a word another article has too', () => {
    // "router" is no word of the passages: the question is about something they do not tell.
    const result = answer('how long does it take to install a mesh router?');
    expect(result.found).toBe(false);
  });
});

describe('a thing no passage names', () => {
  const damaged = chunk(
    'Damaged items',
    'If an item arrives damaged, email us a photo within 7 days of delivery. We send a free ' +
      'replacement or a full refund.',
    'If something arrives damaged',
  );
  const returns = chunk(
    'Returns',
    'Return shipping costs $5.95. Returns of damaged or wrong items are free.',
    'Return shipping',
  );
  const broken = [{ from: 'broken', to: 'damaged', weight: 0.6 }];

  it('that came as the passage says things come ("my vase arrived broken") is answered', () => {
    const result = composeExtractiveAnswer({
      question: 'My vase arrived broken',
      sources: [damaged, returns],
      facts: [],
      firstTurn: false,
      related: broken,
    });
    expect(result.found).toBe(true);
    expect(result.text).toContain('email us a photo');
  });

  it('asked for as one of two ("a loyalty or rewards program") is answered by the other', () => {
    const rewards = chunk(
      'Rewards',
      'Brightleaf Rewards is free to join. You earn 1 point for every dollar you spend.',
      'How the rewards program works',
    );
    const ask = (question: string) =>
      composeExtractiveAnswer({ question, sources: [rewards], facts: [], firstTurn: false });
    expect(ask('Do you have a loyalty or rewards program?').text).toContain('1 point');
    // Neither named: not found.
    expect(ask('Do you have a loyalty or membership card?').found).toBe(false);
  });

  it('is not what is done to the thing asked for ("beer brought over"): answered', () => {
    const alcohol = chunk(
      'Alcohol delivery',
      'Alcohol can be delivered only between 8:00 a.m. and 11:00 p.m. local time. You must be 21 ' +
        'or older to order alcohol.',
      'Where and when alcohol delivery is available',
    );
    const ask = (question: string) =>
      composeExtractiveAnswer({
        question,
        sources: [alcohol],
        facts: [],
        firstTurn: false,
        related: [{ from: 'beer', to: 'alcohol', weight: 0.6 }],
      });
    // "brought" says how the beer would come, not a thing no passage names.
    expect(ask('can i get beer brought over at midnight').text).toContain('between 8:00 a.m.');
    // A thing no passage names stays untold, whatever is done to it.
    expect(ask('can i get cigarettes brought over at midnight').found).toBe(false);
  });
});
