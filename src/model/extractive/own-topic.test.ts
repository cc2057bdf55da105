import { describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../../rag/search/retriever.js';
import { relatedToOwn, standsApart } from './own-topic.js';
import { questionTerms } from './question-terms.js';

let nextId = 1;
function passage(article: string, text: string): RetrievedChunk {
  const id = nextId++;
  return {
    chunkId: id,
    documentId: article,
    title: article,
    headingPath: [article],
    source: `help/${article}.md`,
    url: null,
    text,
    snippet: text.slice(0, 80),
    score: 1,
  };
}

const PASSWORDS = passage(
  'Passwords',
  'Click Forgot password on the sign-in page. We send you a reset link that is valid for 24 hours.',
);
const REFUNDS = passage('Refunds', 'We refund you within 5 working days of receiving your return.');
const PETS = passage(
  'Pets',
  'Dogs are allowed in all our stores. Cats and other pets must stay in a carrier.',
);
const SHIPPING = passage(
  'Shipping',
  'Standard delivery takes 2 to 4 working days. International delivery takes 5 to 10 working days.',
);

const apart = (message: string, before: string, passages: RetrievedChunk[]) =>
  standsApart(message, questionTerms(message, before), passages);

describe('standsApart', () => {
  it('takes a continuation whose words the help center has apart from the question before for a question of its own', () => {
    expect(apart('And refunds?', 'How do I reset my password?', [PASSWORDS, REFUNDS])).toBe(true);
    expect(apart('what about refunds?', 'How do I reset my password?', [PASSWORDS, REFUNDS])).toBe(
      true,
    );
  });

  it('leans on the question before a continuation that names a case of it, or a word no page has', () => {
    // The page that speaks of cats speaks of dogs too.
    expect(apart('what about cats?', 'Are dogs allowed in the store?', [PETS, REFUNDS])).toBe(
      false,
    );
    expect(apart('and international?', 'How long does delivery take?', [SHIPPING])).toBe(false);
    expect(apart('and birds?', 'Are dogs allowed in the store?', [PETS])).toBe(false);
  });

  it('leaves alone what is no continuation, or one that asks in words of its own ("what if …")', () => {
    expect(apart('Is vomiting one of them?', 'What are the symptoms?', [REFUNDS])).toBe(false);
    expect(apart('what if refunds are late?', 'How do I reset my password?', [REFUNDS])).toBe(
      false,
    );
    expect(apart('And refunds?', '', [PASSWORDS, REFUNDS])).toBe(false);
  });
});

describe('relatedToOwn', () => {
  it("keeps the words the search added for the message's own words", () => {
    const related = [
      { from: 'refunds', to: 'reimbursement', weight: 0.6 },
      { from: 'delivery', to: 'shipping', weight: 0.6 },
    ];
    expect(relatedToOwn('And refunds?', related)).toEqual([related[0]]);
  });
});
