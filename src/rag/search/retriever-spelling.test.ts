import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, SqliteKnowledgeRepository, type SqliteDatabase } from '../../store/index.js';
import { Retriever } from './retriever.js';

let db: SqliteDatabase;
let repo: SqliteKnowledgeRepository;

beforeEach(async () => {
  db = openDatabase(':memory:');
  repo = new SqliteKnowledgeRepository(db);
  // Each section has a word one edit (of stems) from a common word it does not have itself.
  await repo.replaceSource('kb', '/help/help.md', 'h', [
    {
      docKey: 'help',
      title: 'Help',
      format: 'markdown',
      contentHash: 'help',
      chunks: Object.entries({
        'Meter readings': 'Send a reading each month by means of the app.',
        'Display problems': 'A blank display needs new batteries.',
        Notifications: 'Turn on notifications to hear when your order arrives.',
        'Opening hours': 'Drivers deliver during opening hours, 8am to 10pm.',
        'Signing in': 'Reset your password under Settings.',
        'Food safety': 'Tell the restaurant about allergies before you order.',
        Exchanges: 'Exchange an item for another size or color within 30 days.',
      }).map(([heading, text], ordinal) => ({ ordinal, headingPath: ['Help', heading], text })),
    },
  ]);
});
afterEach(() => db.close());

function sections(hits: ReadonlyArray<{ headingPath: string[] }>): Array<string | undefined> {
  return hits.map((hit) => hit.headingPath.at(-1));
}

describe('Retriever: spelling of common English words', () => {
  it.each([
    ['how often am I meant to send a reading', 'meant'],
    ['the little screen has gone completely black', 'black'],
    ['I just noticed a problem with my order', 'noticed'],
    ['can you bring it to my house', 'house'],
  ])('does not correct a common word the help center lacks: %s', async (question) => {
    const { spelling } = await new Retriever(repo).search(question);
    expect(spelling).toBeUndefined();
  });

  it('finds no passage by a word one edit from the common word asked', async () => {
    const { hits } = await new Retriever(repo).search(
      'the little screen has gone completely black',
    );
    expect(sections(hits)).not.toContain('Display problems');
  });

  it('still corrects a slip', async () => {
    const { spelling, hits } = await new Retriever(repo).search('how do I reset my pasword');
    expect(spelling).toEqual([{ from: 'pasword', to: 'password' }]);
    expect(sections(hits)[0]).toBe('Signing in');
  });

  it('corrects a common word to another form of it that the stemmer keeps apart', async () => {
    const { spelling, hits } = await new Retriever(repo).search('I am allergic to peanuts');
    expect(spelling).toEqual([{ from: 'allergic', to: 'allergies' }]);
    expect(sections(hits)[0]).toBe('Food safety');
  });

  it('corrects the spelling of another dialect to the help center’s', async () => {
    const { spelling, hits } = await new Retriever(repo).search('is there a red colour');
    expect(spelling).toEqual([{ from: 'colour', to: 'color' }]);
    expect(sections(hits)[0]).toBe('Exchanges');
  });
});
