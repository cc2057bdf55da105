import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, SqliteKnowledgeRepository, type SqliteDatabase } from '../../store/index.js';
import { TermMatcher } from './highlight.js';
import { DEFAULT_RETRIEVER_SETTINGS, Retriever } from './retriever.js';
import { DEFAULT_SYNONYMS, Synonyms, type RelatedTerm } from './synonyms.js';

let db: SqliteDatabase;
let repo: SqliteKnowledgeRepository;

beforeEach(() => {
  db = openDatabase(':memory:');
  repo = new SqliteKnowledgeRepository(db);
});
afterEach(() => db.close());

/** An article of sections, each a chunk under the article's title and its own heading. */
function article(docKey: string, title: string, sections: Record<string, string>) {
  return {
    docKey,
    title,
    format: 'markdown' as const,
    contentHash: docKey,
    chunks: Object.entries(sections).map(([heading, text], ordinal) => ({
      ordinal,
      headingPath: [title, heading],
      text,
    })),
  };
}

/** The store's returns article, and one section on shipping. */
async function returnsAndShipping() {
  await repo.replaceSource('kb', '/help/returns.md', 'h', [
    article('returns', 'Returns and refunds', {
      'Return policy':
        'You can return most items within 30 days of delivery for a full refund. Items must be unused and in their original packaging.',
      'How to start a return':
        'Go to Orders in your account, choose the order, and click Return items. Print the prepaid label and drop the parcel at any UPS location.',
      'Damaged or wrong items':
        'If an item arrives damaged or you received the wrong item, contact us within 7 days with a photo. We send a replacement at no cost or refund you in full.',
      Exchanges:
        'We do not offer direct exchanges. Return the item for a refund and place a new order for the size or color you want.',
    }),
    article('shipping', 'Shipping', {
      'Delivery times': 'Standard delivery takes 3 to 5 business days.',
    }),
  ]);
}

describe('Retriever: passages of one article', () => {
  it('keeps those that hold a word of the question over those found through the title alone', async () => {
    await returnsAndShipping();
    const retriever = new Retriever(repo, { ...DEFAULT_RETRIEVER_SETTINGS, maxPerDocument: 3 });
    const { hits } = await retriever.search('I want to return a pair of shoes');
    const sections = hits.map((hit) => hit.headingPath.at(-1));
    // "Damaged or wrong items" ranks first on "Returns" in the title and "item" (for "shoes"),
    // yet says nothing of returning: the passage on how to start a return is kept instead.
    expect(sections).toContain('How to start a return');
    expect(sections).not.toContain('Damaged or wrong items');
    expect(sections.filter((s) => s !== 'Delivery times')).toHaveLength(3);
  });

  it('keeps those that hold what a phrase of the question means, not its words apart', async () => {
    await returnsAndShipping();
    const retriever = new Retriever(repo, { ...DEFAULT_RETRIEVER_SETTINGS, maxPerDocument: 3 });
    const { hits } = await retriever.search('I need to send back a dress');
    const sections = hits.map((hit) => hit.headingPath.at(-1));
    // "Send back" means return: "We send a replacement …" holds "send" in another sense.
    expect(sections).toContain('How to start a return');
    expect(sections).not.toContain('Damaged or wrong items');
  });
});

/** A shop's help center: orders, delivery, payment, the account and the care of its products. */
async function ordersAndMore() {
  await repo.replaceSource('kb', '/help/orders.md', 'h', [
    article('orders', 'Managing your order', {
      'Cancelling an order': 'You can cancel an order within 2 hours of placing it.',
      'Changing your order': 'To change an order, cancel it and place a new one.',
      'Order confirmation': 'We email an order confirmation within a few minutes.',
    }),
    article('shipping', 'Shipping and delivery', {
      'Delivery options':
        'Standard delivery takes 3 to 5 business days and costs $4.95. Express delivery takes 1 to 2 business days and costs $12.95. Orders over $75 ship free with standard delivery, the cheapest option.',
      'Where we deliver': 'We deliver to all 50 US states.',
      'Tracking your order': 'When your order ships, we email you a tracking link.',
    }),
    article('payment', 'Payment', {
      'Ways to pay': 'We accept Visa, Mastercard, American Express and PayPal.',
      Instalments: 'With Shop Pay you can split a payment into 4 interest-free parts.',
    }),
    article('account', 'Your account', {
      Password: 'Click Sign in, then Forgot password, and enter your email address.',
      Details: 'You can change your name and email address under Account, then Profile.',
      Newsletter: 'To stop our emails, click Unsubscribe at the bottom of any newsletter.',
    }),
    article('care', 'Caring for your products', {
      Candles: 'Trim the wick to 5 mm before each use.',
      Linen: 'Wash linen at 40 °C with a mild detergent.',
      Ceramics: 'Our ceramic mugs and plates are dishwasher safe.',
    }),
  ]);
}

describe('Retriever: the words of a short question', () => {
  it('keeps a passage with a word of the question that title matches ranked below the cut', async () => {
    await ordersAndMore();
    const retriever = new Retriever(repo, { ...DEFAULT_RETRIEVER_SETTINGS, topK: 3 });
    const { hits } = await retriever.search('when will my express order arrive?');
    // "order" in the titles outranks "express" in a body: the passage on express delivery, the
    // only one with the word, takes the place of the last one kept.
    const sections = hits.map((hit) => hit.headingPath.at(-1));
    expect(sections).toContain('Delivery options');
    // Not "American Express": the passage with the word and most of the question's others.
    expect(sections).not.toContain('Ways to pay');
    expect(hits).toHaveLength(3);
  });

  it('reads a passage without the word sought for that word alone, not for the others', async () => {
    await ordersAndMore();
    // Found by "will" alone: it holds none of the words that say what the question asks.
    await repo.replaceSource('kb', '/help/parcels.md', 'h', [
      article('parcels', 'Parcels', {
        'Parcel times': 'Parcels will come within a week of their dispatch.',
      }),
    ]);
    const retriever = new Retriever(repo, { ...DEFAULT_RETRIEVER_SETTINGS, topK: 3 });
    const readers = new Map<string, Set<TermMatcher>>();
    const test = TermMatcher.prototype.testLowercase;
    const spy = vi.spyOn(TermMatcher.prototype, 'testLowercase').mockImplementation(function (
      this: TermMatcher,
      lower: string,
    ) {
      const seen = readers.get(lower) ?? new Set<TermMatcher>();
      readers.set(lower, seen.add(this));
      return test.call(this, lower);
    });
    try {
      await retriever.search('when will my express order arrive?');
    } finally {
      spy.mockRestore();
    }
    // A passage that holds none of "express", "order" and "arrive" is read for the word no
    // kept passage holds, and once it lacks that word, not for the others: it could not be the
    // passage that holds the most of them. (Passages' texts are sentences; titles and headings,
    // which passages share, are left out.)
    const without = [...readers].filter(
      ([text]) => text.endsWith('.') && !/express|order|arriv/.test(text),
    );
    expect(without.length).toBeGreaterThan(0);
    for (const [, matchers] of without) expect(matchers.size).toBeLessThanOrEqual(2);
  });
});

describe('Retriever: spelling', () => {
  it('leaves a word of a phrase the synonyms know as it is, though the help center has a word one edit away', async () => {
    await repo.replaceSource('kb', '/help/delivery.md', 'h', [
      article('delivery', 'Delivery', {
        'Wrong address': 'If your order was left at the wrong address, we refund it in full.',
        'Opening hours': 'Restaurants set their own opening hours.',
      }),
    ]);
    const retriever = new Retriever(repo);
    const { spelling, related, hits } = await retriever.search('it went to the wrong house');
    expect(spelling).toBeUndefined();
    expect(related).toContainEqual({ from: 'wrong house', to: 'address', weight: 0.6 });
    expect(hits.map((hit) => hit.headingPath.at(-1))).toEqual(['Wrong address']);
  });

  it('leaves the name of a month or a day as it is, though the help center has a word one edit away', async () => {
    await repo.replaceSource('kb', '/help/account.md', 'h', [
      article('account', 'Your account', {
        'Who can join': 'You must be at least 21 years old to join.',
        'Your name': 'The name on your account must match your licence.',
        Payments: 'Payments are taken every Monday.',
      }),
    ]);
    const retriever = new Retriever(repo);
    const { spelling, hits } = await retriever.search('I turn 21 in march, can I join?');
    expect(spelling).toBeUndefined();
    expect(hits.map((hit) => hit.headingPath.at(-1))).not.toContain('Your name');
  });
});

/** The default synonyms, noting each question they are asked about. */
class NotedSynonyms extends Synonyms {
  readonly asked: string[] = [];

  override related(question: string): RelatedTerm[] {
    this.asked.push(question);
    return super.related(question);
  }
}

describe('Retriever: related words', () => {
  async function delivery() {
    await repo.replaceSource('kb', '/help/delivery.md', 'h', [
      article('delivery', 'Delivery', {
        'Wrong address': 'If your order was left at the wrong address, we refund it in full.',
        'Opening hours': 'Restaurants set their own opening hours.',
      }),
    ]);
  }

  it('finds the related words of a question nothing was respelt in once', async () => {
    await delivery();
    const synonyms = new NotedSynonyms(DEFAULT_SYNONYMS);
    const retriever = new Retriever(repo, DEFAULT_RETRIEVER_SETTINGS, undefined, synonyms);
    const { related } = await retriever.search('it went to the wrong house');
    expect(related).toContainEqual({ from: 'wrong house', to: 'address', weight: 0.6 });
    expect(synonyms.asked).toEqual(['it went to the wrong house']);
  });

  it('finds those of the respelt question when a word was respelt', async () => {
    await delivery();
    const synonyms = new NotedSynonyms(DEFAULT_SYNONYMS);
    const retriever = new Retriever(repo, DEFAULT_RETRIEVER_SETTINGS, undefined, synonyms);
    const { spelling } = await retriever.search('my order was left at the wrong adress');
    expect(spelling).toEqual([{ from: 'adress', to: 'address' }]);
    expect(synonyms.asked).toEqual([
      'my order was left at the wrong adress',
      'my order was left at the wrong address',
    ]);
  });
});
