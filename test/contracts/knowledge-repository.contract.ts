import { describe, expect, it } from 'vitest';
import type { DocumentInput, KnowledgeRepository, LexicalQuery } from '../../src/store/index.js';
import { describeScopeDeletion } from './scope-deletion.contract.js';

/** The ISO format every stored time comes back in, whatever the database. */
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A document of one chunk per text; its content hash follows its content. */
function doc(
  docKey: string,
  title: string,
  texts: string | string[],
  headingPath: string[] = [],
): DocumentInput {
  const chunks = (Array.isArray(texts) ? texts : [texts]).map((text, ordinal) => ({
    ordinal,
    headingPath,
    text,
  }));
  return {
    docKey,
    title,
    format: 'markdown',
    contentHash: JSON.stringify([title, headingPath, texts]),
    chunks,
  };
}

const search = (overrides: Partial<LexicalQuery> & { terms: string[] }): LexicalQuery => ({
  scopes: ['kb'],
  limit: 10,
  titleWeight: 3,
  postingBudget: 500,
  ...overrides,
});

/**
 * What every KnowledgeRepository must do. Each database runs this suite with a factory that
 * gives a fresh, empty repository whose clock is `now` (the system's when omitted).
 */
export function describeKnowledgeRepository(
  name: string,
  make: (now?: () => Date) => Promise<KnowledgeRepository>,
): void {
  describe(`KnowledgeRepository contract: ${name}`, () => {
    it('replaces a source: adds, updates, keeps unchanged and removes documents', async () => {
      const repo = await make();
      const first = await repo.replaceSource('kb', 'faq.md', 'h1', [
        doc('a', 'Refunds', 'Refunds take five days.'),
        doc('b', 'Shipping', ['We ship worldwide.', 'Shipping is free over 50 euros.']),
        doc('c', 'Returns', 'Return within 30 days.'),
      ]);
      expect(first).toEqual({ added: 3, updated: 0, unchanged: 0, removed: 0, chunksWritten: 4 });
      const before = await repo.documentsOf('kb', 'faq.md');
      const idsOfA = await chunkIdsOf(repo, before.find((d) => d.docKey === 'a')?.id);

      const second = await repo.replaceSource('kb', 'faq.md', 'h2', [
        doc('a', 'Refunds', 'Refunds take five days.'),
        doc('b', 'Shipping', 'We ship to Europe only.'),
        doc('d', 'Warranty', 'Two years of warranty.'),
      ]);
      expect(second).toEqual({ added: 1, updated: 1, unchanged: 1, removed: 1, chunksWritten: 2 });
      const after = await repo.documentsOf('kb', 'faq.md');
      expect(after.map((d) => [d.docKey, d.title, d.chunkCount, d.fileHash])).toEqual([
        ['a', 'Refunds', 1, 'h2'],
        ['b', 'Shipping', 1, 'h2'],
        ['d', 'Warranty', 1, 'h2'],
      ]);
      // The unchanged document kept its id and its chunks.
      const a = after.find((d) => d.docKey === 'a');
      expect(a?.id).toBe(before.find((d) => d.docKey === 'a')?.id);
      expect(await chunkIdsOf(repo, a?.id)).toEqual(idsOfA);
      expect(await repo.stats('kb')).toEqual({ documents: 3, chunks: 3 });
      expect(await repo.searchLexical(search({ terms: ['worldwide'] }))).toEqual([]);
      expect(await repo.searchLexical(search({ terms: ['returns'] }))).toEqual([]);
    });

    it('keeps titles, heading paths and text exactly', async () => {
      const repo = await make();
      const text = 'Ünïcödé 🙂 "quotes", back\\slash, a \u0000 NUL and\nnew lines';
      await repo.replaceSource('kb', 'odd.md', 'h', [
        { ...doc('k', 'Tïtle ‹›', text, ['Part 1', 'Step 2: “go”']), url: 'https://x.test/a?b=c' },
      ]);
      const [hit] = await repo.searchLexical(search({ terms: ['unicode'] }));
      expect(hit).toMatchObject({
        title: 'Tïtle ‹›',
        headingPath: ['Part 1', 'Step 2: “go”'],
        text,
        source: 'odd.md',
        url: 'https://x.test/a?b=c',
      });
      const [record] = await repo.documentsOf('kb', 'odd.md');
      expect(record?.title).toBe('Tïtle ‹›');
    });

    it('rolls back a failing source alone in a batch', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'b.md', 'old', [doc('x', 'Old B', 'old text of b')]);
      const results = await repo.replaceSources([
        { scope: 'kb', source: 'a.md', fileHash: 'ha', documents: [doc('1', 'A', 'alpha')] },
        {
          scope: 'kb',
          source: 'b.md',
          fileHash: 'hb',
          // Two documents with one key cannot both be stored: the source fails.
          documents: [doc('y', 'New B', 'beta'), doc('y', 'New B again', 'beta two')],
        },
        { scope: 'kb', source: 'c.md', fileHash: 'hc', documents: [doc('1', 'C', 'gamma')] },
      ]);
      expect(results[0]).toMatchObject({ added: 1 });
      expect(results[1]).toBeInstanceOf(Error);
      expect(results[2]).toMatchObject({ added: 1 });
      expect((await repo.documentsOf('kb', 'b.md')).map((d) => d.title)).toEqual(['Old B']);
      expect(await repo.sources('kb')).toEqual([
        { source: 'a.md', fileHash: 'ha' },
        { source: 'b.md', fileHash: 'old' },
        { source: 'c.md', fileHash: 'hc' },
      ]);
      expect(await repo.searchLexical(search({ terms: ['beta'] }))).toEqual([]);
      expect(await repo.searchLexical(search({ terms: ['gamma'] }))).toHaveLength(1);
    });

    it('writes one source given twice in a batch as two writes in a row: search finds the last only', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('1', 'Refunds', 'Refunds take five days.'),
      ]);
      // A search first: an index kept in memory is built now, and must follow every write.
      expect(await repo.searchLexical(search({ terms: ['refund'] }))).toHaveLength(1);
      /** Every passage a search can find: each with its text, each still stored. */
      const findable = async () => {
        const terms = ['refund', 'shipping', 'zeppelin', 'returns', 'pigeon', 'drone'];
        const hits = await repo.searchLexical(search({ terms }));
        const stored = await repo.chunksByIds(
          hits.map((hit) => hit.chunkId),
          ['kb'],
        );
        expect(hits.map(({ score: _, ...hit }) => hit)).toEqual(
          stored.map(({ score: _, ...hit }) => hit),
        );
        return hits.map((hit) => [hit.title, hit.text]).sort();
      };

      const results = await repo.replaceSources([
        {
          scope: 'kb',
          source: 'uploads/index.html',
          fileHash: 'h1',
          documents: [doc('', 'Shipping', 'We ship parcels by zeppelin.')],
        },
        {
          scope: 'kb',
          source: 'uploads/index.html',
          fileHash: 'h2',
          documents: [doc('', 'Returns', 'Returns come back by carrier pigeon.')],
        },
      ]);
      expect(results).toMatchObject([{ added: 1 }, { updated: 1 }]);
      const [stored] = await repo.documentsOf('kb', 'uploads/index.html');
      expect(stored).toMatchObject({ title: 'Returns', fileHash: 'h2', chunkCount: 1 });
      expect(await repo.searchLexical(search({ terms: ['pigeon'] }))).toMatchObject([
        { documentId: stored?.id, title: 'Returns', text: 'Returns come back by carrier pigeon.' },
      ]);
      expect(await repo.searchLexical(search({ terms: ['shipping'] }))).toEqual([]);
      expect(await repo.searchLexical(search({ terms: ['zeppelin'] }))).toEqual([]);
      expect(await findable()).toEqual([
        ['Refunds', 'Refunds take five days.'],
        ['Returns', 'Returns come back by carrier pigeon.'],
      ]);
      expect(await repo.stats('kb')).toEqual({ documents: 2, chunks: 2 });

      // The same file changed, then deleted: search follows each write.
      await repo.replaceSource('kb', 'uploads/index.html', 'h3', [
        doc('', 'Returns', 'Returns come back by drone.'),
      ]);
      expect(await findable()).toEqual([
        ['Refunds', 'Refunds take five days.'],
        ['Returns', 'Returns come back by drone.'],
      ]);
      await repo.deleteSource('kb', 'uploads/index.html');
      expect(await findable()).toEqual([['Refunds', 'Refunds take five days.']]);
    });

    it('keeps a file with its documents in one write, and none for a source that fails', async () => {
      const repo = await make();
      const file = (text: string) => ({ name: 'x.md', data: Buffer.from(text) });
      const results = await repo.replaceSources([
        {
          scope: 'kb',
          source: 'uploads/a.md',
          fileHash: 'ha',
          documents: [doc('1', 'A', 'alpha')],
          file: file('# A'),
        },
        {
          scope: 'kb',
          source: 'uploads/b.md',
          fileHash: 'hb',
          documents: [doc('y', 'B', 'beta'), doc('y', 'B again', 'beta two')],
          file: file('# B'),
        },
      ]);
      expect(results[0]).toMatchObject({ added: 1 });
      expect(results[1]).toBeInstanceOf(Error);
      expect(Buffer.from((await repo.keptFile('kb', 'uploads/a.md'))?.data ?? []).toString()).toBe(
        '# A',
      );
      expect(await repo.keptFile('kb', 'uploads/b.md')).toBeNull();
      expect(await repo.documentsOf('kb', 'uploads/b.md')).toEqual([]);
    });

    it('writes a source given with `expect` only while it is stored as expected', async () => {
      const repo = await make();
      const file = (text: string) => ({ name: 'a.md', data: Buffer.from(text) });
      const write = (fileHash: string, text: string, expected?: string) => ({
        scope: 'kb',
        source: 'uploads/a.md',
        fileHash,
        documents: [doc('', 'Tents', text)],
        file: file(text),
        ...(expected !== undefined ? { expect: { fileHash: expected } } : {}),
      });
      const keptText = async () =>
        Buffer.from((await repo.keptFile('kb', 'uploads/a.md'))?.data ?? []).toString();
      const texts = async (terms: string[]) =>
        (await repo.searchLexical(search({ terms }))).map((hit) => hit.text);
      await repo.replaceSources([write('v1', 'Pitch the tent on flat ground.')]);
      expect(await texts(['tent'])).toEqual(['Pitch the tent on flat ground.']);

      // Still as read: written.
      expect(
        await repo.replaceSources([write('v1', 'Pitch the tent on level ground.', 'v1')]),
      ).toMatchObject([{ updated: 1 }]);

      // Written again since it was read: refused, and the version written since stays, file and
      // all; the other sources of the batch are written.
      await repo.replaceSources([write('v2', 'Pitch the tent out of the wind.')]);
      const stale = await repo.replaceSources([
        write('v1', 'Pitch the tent on level ground.', 'v1'),
        { scope: 'kb', source: 'b.md', fileHash: 'hb', documents: [doc('', 'B', 'A tarp.')] },
      ]);
      expect(stale[0]).toBeInstanceOf(Error);
      expect(stale[0]).toMatchObject({ code: 'conflict' });
      expect(stale[1]).toMatchObject({ added: 1 });
      expect(
        (await repo.documentsOf('kb', 'uploads/a.md')).map((d) => [d.fileHash, d.chunkCount]),
      ).toEqual([['v2', 1]]);
      expect(await keptText()).toBe('Pitch the tent out of the wind.');
      expect(await texts(['tent'])).toEqual(['Pitch the tent out of the wind.']);

      // Deleted since it was read: refused, and nothing of it comes back, nor its file.
      expect(await repo.deleteSource('kb', 'uploads/a.md')).toBe(1);
      const gone = await repo.replaceSources([
        write('v2', 'Pitch the tent out of the wind.', 'v2'),
      ]);
      expect(gone[0]).toBeInstanceOf(Error);
      expect(gone[0]).toMatchObject({ code: 'not_found' });
      expect(await repo.documentsOf('kb', 'uploads/a.md')).toEqual([]);
      expect(await repo.keptFile('kb', 'uploads/a.md')).toBeNull();
      expect(await texts(['tent'])).toEqual([]);
      expect(await repo.stats('kb')).toEqual({ documents: 1, chunks: 1 });
    });

    it('deletes a source and counts each scope apart', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'a.md', 'h', [doc('1', 'A', ['one', 'two'])]);
      await repo.replaceSource('session:s1', 'upload.txt', 'h', [doc('', 'Upload', 'three')]);
      expect(await repo.stats()).toEqual({ documents: 2, chunks: 3 });
      expect(await repo.stats('session:s1')).toEqual({ documents: 1, chunks: 1 });
      expect(await repo.deleteSource('kb', 'a.md')).toBe(1);
      expect(await repo.deleteSource('kb', 'a.md')).toBe(0);
      expect(await repo.stats()).toEqual({ documents: 1, chunks: 1 });
      expect(await repo.sources('kb')).toEqual([]);
      expect(await repo.searchLexical(search({ terms: ['one'] }))).toEqual([]);
    });

    it('keeps the file of a source, byte for byte, until the source is deleted', async () => {
      const repo = await make();
      const bytes = Uint8Array.from([0, 255, 37, 80, 68, 70, 0, 10, 13]);
      expect(await repo.keptFile('kb', 'uploads/a.pdf')).toBeNull();
      await repo.keepFile('kb', 'uploads/a.pdf', { name: 'a.pdf', data: bytes });
      await repo.keepFile('kb', 'uploads/b.md', { name: 'b.md', data: Buffer.from('# B') });
      const kept = await repo.keptFile('kb', 'uploads/a.pdf');
      expect(kept?.name).toBe('a.pdf');
      expect([...(kept?.data ?? [])]).toEqual([...bytes]);
      // Kept again: replaced. Another scope is another file.
      await repo.keepFile('kb', 'uploads/a.pdf', { name: 'a.pdf', data: Buffer.from('v2') });
      expect(Buffer.from((await repo.keptFile('kb', 'uploads/a.pdf'))?.data ?? []).toString()).toBe(
        'v2',
      );
      expect(await repo.keptFile('session:s1', 'uploads/a.pdf')).toBeNull();
      // Deleting the source deletes its file, even when no document was read from it.
      await repo.replaceSource('kb', 'uploads/a.pdf', 'h', [doc('', 'A', 'one')]);
      expect(await repo.deleteSource('kb', 'uploads/a.pdf')).toBe(1);
      expect(await repo.keptFile('kb', 'uploads/a.pdf')).toBeNull();
      expect(await repo.deleteSource('kb', 'uploads/b.md')).toBe(0);
      expect(await repo.keptFile('kb', 'uploads/b.md')).toBeNull();
    });

    it('pages the documents of a scope by source then key, in code point order', async () => {
      const clock = () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
      const repo = await make(clock);
      await repo.replaceSource('kb', 'b.md', 'h', [doc('2', 'B2', 'x'), doc('10', 'B10', 'x')]);
      await repo.replaceSource('kb', 'B.md', 'h', [doc('', 'Upper B', 'x')]);
      await repo.replaceSource('kb', 'a.md', 'h', [doc('', 'A', 'x')]);
      await repo.replaceSource('session:s', 'a.md', 'h', [doc('', 'Elsewhere', 'x')]);

      const all = await repo.documents('kb', { limit: 10 });
      expect(all.total).toBe(4);
      // By code point: capitals before small letters, '1' before '2'.
      expect(all.items.map((d) => `${d.source}#${d.docKey}`)).toEqual([
        'B.md#',
        'a.md#',
        'b.md#10',
        'b.md#2',
      ]);
      const page = await repo.documents('kb', { limit: 2, offset: 2 });
      expect(page).toMatchObject({ total: 4, items: [{ title: 'B10' }, { title: 'B2' }] });
      expect(await repo.documents('kb', { limit: 2, offset: 10 })).toEqual({ items: [], total: 4 });

      const one = all.items[0];
      expect(await repo.document(one?.id as string)).toEqual(one);
      expect(one).toMatchObject({
        scope: 'kb',
        format: 'markdown',
        url: null,
        createdAt: '2026-01-02T03:04:05.006Z',
        updatedAt: '2026-01-02T03:04:05.006Z',
      });
      expect(one?.createdAt).toMatch(ISO_TIME);
      expect(await repo.document('no-such-id')).toBeNull();
    });

    it('pages the documents of a scope after a position, in the same order', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'b.md', 'h', [doc('2', 'B2', 'x'), doc('10', 'B10', 'x')]);
      await repo.replaceSource('kb', 'B.md', 'h', [doc('', 'Upper B', 'x')]);
      await repo.replaceSource('kb', 'é.md', 'h', [doc('', 'E acute', 'x')]);
      await repo.replaceSource('kb', 'f.md', 'h', [doc('', 'F', 'x')]);
      await repo.replaceSource('session:s', 'c.md', 'h', [doc('', 'Elsewhere', 'x')]);
      const name = (d: { source: string; docKey: string }) => `${d.source}#${d.docKey}`;

      // One at a time, each page after the last of the one before: every document once, in
      // the order of the whole list (by code point: 'é' after 'f').
      const all = (await repo.documents('kb', { limit: 10 })).items.map(name);
      expect(all).toEqual(['B.md#', 'b.md#10', 'b.md#2', 'f.md#', 'é.md#']);
      const walked: string[] = [];
      let after: { source: string; docKey: string } | undefined;
      for (;;) {
        const page = await repo.documents('kb', { limit: 2, ...(after ? { after } : {}) });
        expect(page.total).toBe(5);
        walked.push(...page.items.map(name));
        const last = page.items.at(-1);
        if (page.items.length < 2 || last === undefined) break;
        after = { source: last.source, docKey: last.docKey };
      }
      expect(walked).toEqual(all);

      // A document added before the position, or the one at it removed, moves nothing after it.
      await repo.replaceSource('kb', 'a.md', 'h', [doc('', 'A', 'x')]);
      await repo.deleteSource('kb', 'B.md');
      const next = await repo.documents('kb', {
        limit: 2,
        after: { source: 'b.md', docKey: '10' },
      });
      expect(next.items.map(name)).toEqual(['b.md#2', 'f.md#']);
      expect(
        (await repo.documents('kb', { limit: 2, after: { source: 'B.md', docKey: '' } })).items.map(
          name,
        ),
      ).toEqual(['a.md#', 'b.md#10']);
      expect(
        await repo.documents('kb', { limit: 2, after: { source: 'é.md', docKey: '' } }),
      ).toEqual({ items: [], total: 5 });
    });

    it('matches word forms and letters with or without accents', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('1', 'Refund policy', 'We refund every order.'),
        doc('2', 'Café opening hours', 'The café opens at nine.'),
        doc('3', 'Shipping', 'Parcels are shipped daily.'),
      ]);
      const titles = async (terms: string[]) =>
        (await repo.searchLexical(search({ terms }))).map((h) => h.title);
      expect(await titles(['refunds'])).toEqual(['Refund policy']);
      expect(await titles(['refunding'])).toEqual(['Refund policy']);
      expect(await titles(['cafe'])).toEqual(['Café opening hours']);
      expect(await titles(['CAFÉ'])).toEqual(['Café opening hours']);
      expect(await titles(['shipping'])).toEqual(['Shipping']);
      // Any of the terms, the chunk matching more of them first.
      const any = await repo.searchLexical(
        search({ terms: ['parcels', 'daily', 'refund'], titleWeight: 0 }),
      );
      expect(any.map((h) => h.title)).toEqual(['Shipping', 'Refund policy']);
      expect(await titles(['nothing', 'matches'])).toEqual([]);
    });

    it('ranks a rare term above a common one, and a title match above a body match', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('1', 'Orders', 'Your order ships in two days.'),
        doc('2', 'Accounts', 'Your account is safe.'),
        doc('3', 'Privacy', 'Your data is yours.'),
        doc('4', 'Payments', 'Pay by invoice within 30 days.'),
        doc('5', 'Invoice copies', 'Ask support for a copy.'),
      ]);
      const rare = await repo.searchLexical(search({ terms: ['your', 'invoice'], titleWeight: 0 }));
      expect(
        rare
          .map((h) => h.title)
          .slice(0, 2)
          .sort(),
      ).toEqual(['Invoice copies', 'Payments']);
      expect(rare).toHaveLength(5);
      const scores = rare.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));

      // "invoice" is in the title of one chunk and in the text of another.
      const byTitle = await repo.searchLexical(search({ terms: ['invoice'], titleWeight: 3 }));
      expect(byTitle.map((h) => h.title)).toEqual(['Invoice copies', 'Payments']);
      const plain = await repo.searchLexical(search({ terms: ['invoice'], titleWeight: 0 }));
      const scoreOf = (hits: typeof plain, title: string) =>
        hits.find((h) => h.title === title)?.score ?? 0;
      expect(scoreOf(byTitle, 'Invoice copies')).toBeGreaterThan(scoreOf(plain, 'Invoice copies'));
      expect(scoreOf(byTitle, 'Payments')).toBeCloseTo(scoreOf(plain, 'Payments'), 9);
    });

    it('searches only the given scopes and returns at most the limit', async () => {
      const repo = await make();
      await repo.replaceSource(
        'kb',
        'kb.md',
        'h',
        Array.from({ length: 6 }, (_, i) => doc(String(i), `Warranty ${i}`, 'warranty terms')),
      );
      await repo.replaceSource('session:a', 'a.txt', 'h', [doc('', 'Mine', 'my warranty card')]);
      await repo.replaceSource('session:b', 'b.txt', 'h', [doc('', 'Theirs', 'their warranty')]);

      const mine = await repo.searchLexical(search({ terms: ['warranty'], scopes: ['session:a'] }));
      expect(mine.map((h) => h.title)).toEqual(['Mine']);
      const both = await repo.searchLexical(
        search({ terms: ['warranty'], scopes: ['kb', 'session:a'], limit: 20 }),
      );
      expect(both).toHaveLength(7);
      expect(both.map((h) => h.title)).not.toContain('Theirs');
      expect(await repo.searchLexical(search({ terms: ['warranty'], limit: 3 }))).toHaveLength(3);
      expect(await repo.searchLexical(search({ terms: ['warranty'], scopes: [] }))).toEqual([]);
      expect(await repo.searchLexical(search({ terms: [] }))).toEqual([]);
    });

    it("ranks on the searched scopes alone: others' attachments change nothing", async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('refunds', 'Refunds', [
          'How long does a refund take? Refunds reach your card within 5 business days.',
          'A refund needs the order number.',
        ]),
        doc('password', 'Password', 'Reset your password from the sign-in page.'),
        doc('email', 'Email', 'Change your email address in Settings.'),
        doc('delivery', 'Delivery', 'Delivery takes 3 to 5 business days.'),
      ]);
      await repo.replaceSource('session:b', 'note.txt', 'h', [
        doc('', 'Note', 'My parcel came late, after the delivery date.'),
      ]);
      const queries = [
        search({ terms: ['long', 'refund', 'take', 'how', 'does', 'a'] }),
        search({ terms: ['late', 'parcel', 'delivery', 'refund'], scopes: ['kb', 'session:b'] }),
      ];
      const rankings = () =>
        Promise.all(
          queries.map(async (q) =>
            (await repo.searchLexical(q)).map((hit) => [hit.title, hit.chunkId, hit.score]),
          ),
        );
      const before = await rankings();
      expect(before[0]?.[0]?.[0]).toBe('Refunds');
      expect(before[1]?.map(([title]) => title)).toContain('Note');

      // Session A's file repeats the help center's words in more chunks than a search's
      // posting budget: session B's searches must rank exactly as before, scores included.
      await repo.replaceSource('session:a', 'poison.md', 'h', [
        doc(
          '',
          'Notes',
          Array.from({ length: 600 }, () => 'password refund email order delivery '.repeat(20)),
        ),
      ]);
      expect(await rankings()).toEqual(before);
      await repo.deleteSource('session:a', 'poison.md');
      expect(await rankings()).toEqual(before);
    });

    it("corrects spelling with the help center's words alone, never a session's", async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('c', 'Couriers', 'Our courier delivers on weekdays.'),
      ]);
      // Another customer's file: a word of its own, and a misspelling of the help center's.
      await repo.replaceSource('session:a', 'invoice.txt', 'h', [
        doc('', 'Invoice', 'Zendrix Logistics: your courrier is booked.'),
      ]);
      const fixes = await repo.correctSpelling(['zendrex', 'courrier']);
      // "zendrex" is one slip from "zendrix", which only session A's file has: left alone.
      expect(fixes.has('zendrex')).toBe(false);
      // And what session A wrote does not make a word the help center's.
      expect([...fixes.keys()]).toEqual(['courrier']);
      const [courier] = await repo.searchLexical(search({ terms: [fixes.get('courrier') ?? ''] }));
      expect(courier?.title).toBe('Couriers');
    });

    it('takes quotes, operators and backslashes in terms as plain text', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('1', 'Refunds', 'How to get a refund.'),
        doc('2', 'Other', 'Something else entirely.'),
      ]);
      const hostile = [
        '"',
        "'",
        "''",
        '\\',
        '\\\\',
        '&',
        '|',
        '!',
        '(',
        ')',
        ':',
        '*',
        '<->',
        '^',
        '-',
        'AND',
        'OR',
        'NOT',
        'NEAR',
        '"refund',
        "refund'",
        'refund:*',
        '!refund',
        '(refund)',
        'refund\\',
        "'a' & 'b'",
        'a:B*',
        '\u0000',
        '',
      ];
      for (const term of hostile) {
        await expect(repo.searchLexical(search({ terms: [term] })), term).resolves.toBeDefined();
      }
      await expect(repo.searchLexical(search({ terms: hostile }))).resolves.toBeDefined();
      for (const term of ['"refund', 'refund:*', '!refund', '(refund)', 'refund\\']) {
        const hits = await repo.searchLexical(search({ terms: [term] }));
        expect(
          hits.map((h) => h.title),
          term,
        ).toEqual(['Refunds']);
      }
    });

    it('leaves a very common term out when its matches would pass the posting budget', async () => {
      const repo = await make();
      await repo.replaceSource(
        'kb',
        'faq.md',
        'h',
        Array.from({ length: 10 }, (_, i) =>
          doc(String(i), `Topic ${i}`, i === 7 ? 'the refund form' : 'the usual text'),
        ),
      );
      const small = await repo.searchLexical(
        search({ terms: ['the', 'refund'], postingBudget: 3 }),
      );
      expect(small.map((h) => h.title)).toEqual(['Topic 7']);
      const large = await repo.searchLexical(
        search({ terms: ['the', 'refund'], postingBudget: 100 }),
      );
      expect(large).toHaveLength(10);
      expect(large[0]?.title).toBe('Topic 7');
      // The rarest term takes part even when it alone passes the budget.
      const alone = await repo.searchLexical(search({ terms: ['the'], postingBudget: 3 }));
      expect(alone).toHaveLength(10);
      // A word no chunk has is not the rarest: it costs nothing and leaves the rarest in.
      const unknown = await repo.searchLexical(
        search({ terms: ['zzzzq', 'the'], postingBudget: 3 }),
      );
      expect(unknown.map((h) => [h.chunkId, h.score])).toEqual(
        alone.map((h) => [h.chunkId, h.score]),
      );
    });

    it('finds the same passages, ranked the same, after the index is optimized or prepared', async () => {
      const repo = await make();
      // Several writes leave several index segments behind.
      for (let i = 0; i < 5; i++) {
        await repo.replaceSource('kb', `s${i}.md`, `h${i}`, [
          doc('a', `Topic ${i}`, `Refunds take ${i + 2} days for order type ${i}.`),
        ]);
      }
      const query = search({ terms: ['refund', 'order', 'topic'] });
      await repo.optimize();
      await repo.prepareSearch();
      const prepared = await repo.searchLexical(query);
      const before = await repo.searchLexical(query);
      await repo.optimize();
      const after = await repo.searchLexical(query);
      expect(after.map((h) => [h.chunkId, h.score])).toEqual(
        before.map((h) => [h.chunkId, h.score]),
      );
      expect(prepared.map((h) => h.chunkId)).toEqual(after.map((h) => h.chunkId));
      expect(after).toHaveLength(5);
      await repo.replaceSource('kb', 's5.md', 'h5', [doc('a', 'Topic 5', 'Refunds for order 5.')]);
      expect(await repo.searchLexical(query)).toHaveLength(6);
    });

    it('corrects a misspelt word to one the chunks have, and searches it the same', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('a', 'Passwords', 'Reset your password from the sign-in page.'),
        doc('b', 'Refunds', ['Refunds take five days.', 'A refund needs the receipt.']),
        doc('c', 'Couriers', 'Our courier delivers on weekdays.'),
      ]);
      const fixes = await repo.correctSpelling(['pasword', 'refnud', 'reset', 'mask', 'spain']);
      expect([...fixes.keys()]).toEqual(['pasword', 'refnud']);
      // Each store writes the correction its own way (SQLite a word, PostgreSQL its stem), and
      // both find the same passages with it.
      const [password] = await repo.searchLexical(search({ terms: [fixes.get('pasword') ?? ''] }));
      expect(password?.title).toBe('Passwords');
      const [refund] = await repo.searchLexical(search({ terms: [fixes.get('refnud') ?? ''] }));
      expect(refund?.title).toBe('Refunds');
      // A slip that changes how the stemmer reads the word ("chnage" keeps its "e", "change"
      // is "chang") is still one slip.
      await repo.replaceSource('kb', 'plans.md', 'h', [
        doc('p', 'Plans', 'You can change your plan at any time.'),
      ]);
      const [plans] = await repo.searchLexical(
        search({ terms: [(await repo.correctSpelling(['chnage'])).get('chnage') ?? ''] }),
      );
      expect(plans?.title).toBe('Plans');
      // Words whose stem the stemmer would cut again ("advertising" is "advertis", and
      // "advertis" is "adverti"; "committee", "choosing"): the correction still finds them.
      await repo.replaceSource('kb', 'ads.md', 'h', [
        doc('ads', 'Advertising', 'We show advertising on the free plan.'),
        doc('choice', 'Upgrades', 'Choosing a paid plan is up to the committee.'),
      ]);
      const slips = await repo.correctSpelling(['advertsing', 'chosing', 'comittee']);
      expect([...slips.keys()]).toEqual(['advertsing', 'chosing', 'comittee']);
      for (const [slip, title] of [
        ['advertsing', 'Advertising'],
        ['chosing', 'Upgrades'],
        ['comittee', 'Upgrades'],
      ] as const) {
        const [hit] = await repo.searchLexical(search({ terms: [slips.get(slip) ?? ''] }));
        expect(hit?.title, slip).toBe(title);
      }
      // A word added later is the index's own, no longer corrected.
      expect((await repo.correctSpelling(['courrier'])).has('courrier')).toBe(true);
      await repo.replaceSource('kb', 'notes.md', 'h', [doc('n', 'Notes', 'A courrier.')]);
      expect((await repo.correctSpelling(['courrier'])).size).toBe(0);
    });

    it('corrects a misspelt word to a longer word of a short stem ("shipping" is "ship")', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('s', 'Shipping', 'Shipping is free on orders over 50 euros.'),
        doc('d', 'Lost parcels', 'A parcel dropped by the courier is replaced.'),
        doc('t', 'Tasks', 'Each task has a cash limit.'),
      ]);
      const fixes = await repo.correctSpelling(['shiping', 'droped', 'shiped', 'crash', 'masks']);
      // A short word the help center writes ("task", "cash") is no correction of a longer one.
      expect([...fixes.keys()]).toEqual(['shiping', 'droped', 'shiped']);
      for (const [slip, title] of [
        ['shiping', 'Shipping'],
        ['droped', 'Lost parcels'],
        ['shiped', 'Shipping'],
      ] as const) {
        expect(fixes.get(slip)?.length ?? 0, slip).toBeGreaterThan(4);
        const [hit] = await repo.searchLexical(search({ terms: [fixes.get(slip) ?? ''] }));
        expect(hit?.title, slip).toBe(title);
      }
      // A stem the help center only writes short is not a correction either.
      await repo.replaceSource('kb', 'stops.md', 'h', [doc('x', 'Timetable', 'We stop at noon.')]);
      expect((await repo.correctSpelling(['stoped'])).size).toBe(0);
    });

    it('weighs each term by its weight, in the body and in the title', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('a', 'Refunds', 'We refund you in full.'),
        doc('b', 'Damaged items', 'Send us a photo of the damaged item.'),
        doc('c', 'Shipping', 'We ship on weekdays.'),
      ]);
      const scoreOf = (hits: Awaited<ReturnType<typeof repo.searchLexical>>, title: string) =>
        hits.find((h) => h.title === title)?.score ?? 0;
      const even = await repo.searchLexical(search({ terms: ['damaged', 'refund'] }));
      const weighed = await repo.searchLexical(
        search({ terms: ['damaged', 'refund'], weights: [0.25, 1] }),
      );
      // A term's whole part of a score (body and title) is multiplied by its weight.
      expect(scoreOf(weighed, 'Damaged items')).toBeCloseTo(
        0.25 * scoreOf(even, 'Damaged items'),
        9,
      );
      expect(scoreOf(weighed, 'Refunds')).toBeCloseTo(scoreOf(even, 'Refunds'), 9);
      expect(weighed[0]?.title).toBe('Refunds');
      // Without weights, or with a weight that is no weight, every term weighs 1.
      const odd = await repo.searchLexical(
        search({ terms: ['damaged', 'refund'], weights: [Number.NaN, -1] }),
      );
      expect(odd.map((h) => h.score)).toEqual(even.map((h) => h.score));
      const infinite = await repo.searchLexical(
        search({ terms: ['damaged', 'refund'], weights: [Number.POSITIVE_INFINITY, 0] }),
      );
      expect(infinite.map((h) => h.score)).toEqual(even.map((h) => h.score));
    });

    it("weighs a stop word's title match down: where no title asks, and by the titles that ask", async () => {
      const repo = await make();
      // Pairs of titles of the same length, one a statement and one a question; no body has "in".
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('statement', 'Sign in and verify', 'Enter the code we send.'),
        doc('question', 'Can I sign in?', 'Enter the code we send.'),
        doc('heading-statement', 'Account', 'Enter the code we send.', ['We sign in here']),
        doc('heading-question', 'Account', 'Enter the code we send.', ['Why sign in twice']),
        ...['Billing', 'Refunds', 'Pricing', 'Plans', 'Delivery', 'Returns'].map((title) =>
          doc(title, title, 'Invoices and receipts.'),
        ),
        ...[
          'How do refunds work?',
          'What does it cost?',
          'Where is my order?',
          'When do you ship?',
        ].map((title) => doc(title, title, 'Invoices and receipts.')),
      ]);
      const titlePart = async (terms: string[]) => {
        const withTitle = await repo.searchLexical(search({ terms, titleWeight: 3 }));
        const without = await repo.searchLexical(search({ terms, titleWeight: 0 }));
        const part = new Map<string, number>();
        for (const hit of withTitle) {
          const body = without.find((h) => h.chunkId === hit.chunkId)?.score ?? 0;
          part.set(`${hit.title}/${hit.headingPath.join('/')}`, hit.score - body);
        }
        return part;
      };
      // "in" is in 4 of the 14 titles, and in 2 of the 6 that ask; 6 of 14 titles ask, so a
      // stop word's title idf where a title asks is its idf among them times 6/14.
      const idf = (chunks: number, matches: number) =>
        Math.log((chunks - matches + 0.5) / (matches + 0.5));
      const titleIdf = idf(14, 4);
      const askingIdf = (idf(6, 2) * 6) / 14;
      expect(idf(6, 2)).toBeLessThan(titleIdf);
      const stop = await titlePart(['in']);
      expect(stop.get('Can I sign in?/')).toBeGreaterThan(0.1);
      expect(stop.get('Sign in and verify/')).toBeCloseTo(
        ((0.3 * titleIdf) / askingIdf) * (stop.get('Can I sign in?/') ?? 0),
        9,
      );
      expect(stop.get('Account/We sign in here')).toBeCloseTo(
        ((0.3 * titleIdf) / askingIdf) * (stop.get('Account/Why sign in twice') ?? 0),
        9,
      );
      // A word that is not a stop word counts in full in every title.
      const content = await titlePart(['sign']);
      expect(content.get('Sign in and verify/')).toBeGreaterThan(0.1);
      expect(content.get('Sign in and verify/')).toBeCloseTo(
        content.get('Can I sign in?/') ?? 0,
        9,
      );
      expect(content.get('Account/We sign in here')).toBeCloseTo(
        content.get('Account/Why sign in twice') ?? 0,
        9,
      );
      // "sign" has the same counts as "in": the stop word in a question title counts as much
      // as it would with its idf among the titles that ask, times their share.
      expect(stop.get('Can I sign in?/')).toBeCloseTo(
        (askingIdf / titleIdf) * (content.get('Can I sign in?/') ?? 0),
        9,
      );
    });

    it('gives chunks by id in the order asked, only of the given scopes', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'a.md', 'h', [doc('1', 'A', ['a0', 'a1'], ['Intro'])]);
      await repo.replaceSource('session:s', 'b.txt', 'h', [doc('', 'B', 'b0')]);
      const kb = await repo.chunkIds('kb');
      const session = await repo.chunkIds('session:s');
      expect(kb).toHaveLength(2);
      expect(await repo.chunkIds()).toEqual([...kb, ...session].sort((x, y) => x - y));

      const [first, second] = kb as [number, number];
      const hits = await repo.chunksByIds([second, 999_999, first, session[0] as number], ['kb']);
      expect(hits.map((h) => [h.chunkId, h.text, h.score])).toEqual([
        [second, 'a1', 0],
        [first, 'a0', 0],
      ]);
      expect(hits[0]).toMatchObject({ title: 'A', headingPath: ['Intro'], source: 'a.md' });
      expect(await repo.chunksByIds([], ['kb'])).toEqual([]);
    });

    it('never gives a new chunk the id of a deleted one', async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'a.md', 'h', [doc('1', 'A', ['x', 'y', 'z'])]);
      const old = await repo.chunkIds('kb');
      await repo.deleteSource('kb', 'a.md');
      await repo.replaceSource('kb', 'a.md', 'h', [doc('1', 'A', ['x', 'y', 'z'])]);
      const fresh = await repo.chunkIds('kb');
      expect(Math.min(...fresh)).toBeGreaterThan(Math.max(...old));
    });
  });
  describeScopeDeletion(name, make);
}

async function chunkIdsOf(repo: KnowledgeRepository, documentId: string | undefined) {
  const ids = await repo.chunkIds('kb');
  const chunks = await repo.chunksByIds(ids, ['kb']);
  return chunks.filter((c) => c.documentId === documentId).map((c) => c.chunkId);
}
