import { describe, expect, it } from 'vitest';
import type { DocumentInput, KnowledgeRepository, LexicalQuery } from '../../src/store/index.js';

/** A document of one chunk per text. */
function doc(docKey: string, title: string, texts: string[]): DocumentInput {
  return {
    docKey,
    title,
    format: 'text',
    contentHash: JSON.stringify([title, texts]),
    chunks: texts.map((text, ordinal) => ({ ordinal, headingPath: [], text })),
  };
}

const search = (terms: string[], scopes: string[]): LexicalQuery => ({
  terms,
  scopes,
  limit: 20,
  titleWeight: 3,
  postingBudget: 500,
});

/**
 * Deleting a whole scope (a session's attachments), as every KnowledgeRepository must: part of
 * the repository's contract (see `describeKnowledgeRepository`), run with the same factory.
 */
export function describeScopeDeletion(
  name: string,
  make: (now?: () => Date) => Promise<KnowledgeRepository>,
): void {
  describe(`KnowledgeRepository contract, deleting a scope: ${name}`, () => {
    it("deletes every document, passage and kept file of a session's scope, and nothing else", async () => {
      const repo = await make();
      await repo.replaceSource('kb', 'faq.md', 'h', [
        doc('invoices', 'Invoices', ['Your invoice is in your account.']),
      ]);
      const mine = 'session:a';
      await repo.replaceSource(mine, 'attachment:invoice.txt', 'h1', [
        doc('', 'invoice.txt', ['Invoice 5521 for Ada Lovelace, 12 Zendrix Road.', 'Total 42.']),
      ]);
      await repo.replaceSource(mine, 'attachment:notes.md', 'h2', [
        doc('1', 'Notes', ['Zendrix order notes.']),
        doc('2', 'More notes', ['Call me on Zendrix day.']),
      ]);
      await repo.keepFile(mine, 'attachment:invoice.txt', {
        name: 'invoice.txt',
        data: Buffer.from('x'),
      });
      // A scope whose name starts with the other's is another session.
      await repo.replaceSource('session:ab', 'attachment:x.txt', 'h', [
        doc('', 'x.txt', ['Zendrix receipt of someone else.']),
      ]);
      // Searched first, so that an index kept in memory (SQLite) is built and must follow.
      const found = await repo.searchLexical(search(['zendrix'], [mine]));
      expect(found).toHaveLength(3);
      const kbBefore = await repo.searchLexical(search(['invoice'], ['kb']));

      expect(await repo.deleteScope(mine)).toEqual({ documents: 3, chunks: 4 });

      expect(await repo.searchLexical(search(['zendrix'], [mine]))).toEqual([]);
      expect(await repo.searchLexical(search(['invoice', 'zendrix'], ['kb', mine]))).toEqual(
        kbBefore,
      );
      expect(
        await repo.chunksByIds(
          found.map((hit) => hit.chunkId),
          [mine],
        ),
      ).toEqual([]);
      expect(await repo.stats(mine)).toEqual({ documents: 0, chunks: 0 });
      expect(await repo.documents(mine, { limit: 10 })).toEqual({ items: [], total: 0 });
      expect(await repo.sources(mine)).toEqual([]);
      expect(await repo.keptFile(mine, 'attachment:invoice.txt')).toBeNull();
      expect(await repo.chunkIds(mine)).toEqual([]);
      // Everything else as it was.
      expect(await repo.stats('kb')).toEqual({ documents: 1, chunks: 1 });
      expect(
        (await repo.searchLexical(search(['zendrix'], ['session:ab']))).map((hit) => hit.title),
      ).toEqual(['x.txt']);
      // Nothing left to delete.
      expect(await repo.deleteScope(mine)).toEqual({ documents: 0, chunks: 0 });
      expect(await repo.deleteScope('session:nobody')).toEqual({ documents: 0, chunks: 0 });
    });

    it('keeps the kept files of a scope whose passages it deletes, when asked to', async () => {
      const repo = await make();
      const mine = 'session:ended';
      await repo.replaceSource(mine, 'attachment:notes.txt', 'h1', [
        doc('', 'notes.txt', ['Zendrix parcel notes.']),
      ]);
      await repo.keepFile(mine, 'file:1', { name: 'notes.txt', data: Buffer.from('Zendrix') });
      expect(await repo.deleteScope(mine, { files: 'keep' })).toEqual({
        documents: 1,
        chunks: 1,
      });
      expect(await repo.searchLexical(search(['zendrix'], [mine]))).toEqual([]);
      expect(await repo.stats(mine)).toEqual({ documents: 0, chunks: 0 });
      const kept = await repo.keptFile(mine, 'file:1');
      expect(kept?.name).toBe('notes.txt');
      expect(Buffer.from(kept?.data ?? []).toString()).toBe('Zendrix');
      // Deleted whole later (the session erased), the file goes too.
      expect(await repo.deleteScope(mine)).toEqual({ documents: 0, chunks: 0 });
      expect(await repo.keptFile(mine, 'file:1')).toBeNull();
    });

    it('ranks a scope written again as it ranked when new: nothing of the deleted one counts', async () => {
      const repo = await make();
      const scope = 'session:s';
      const write = () =>
        repo.replaceSource(scope, 'attachment:a.txt', 'h', [
          doc('1', 'Parcel', ['My parcel is late.', 'The parcel was damaged.']),
          doc('2', 'Refund', ['I want a refund for the parcel.']),
        ]);
      const ranking = async () =>
        (await repo.searchLexical(search(['parcel', 'refund'], [scope]))).map((hit) => [
          hit.text,
          hit.score,
        ]);
      await write();
      const first = await ranking();
      const firstIds = await repo.chunkIds(scope);
      expect(first).toHaveLength(3);

      await repo.deleteScope(scope);
      await write();
      const again = await ranking();
      expect(again.map(([text]) => text)).toEqual(first.map(([text]) => text));
      again.forEach(([, score], i) => expect(score).toBeCloseTo(first[i]?.[1] as number, 9));
      // New passages, never the deleted ones' ids.
      expect(Math.min(...(await repo.chunkIds(scope)))).toBeGreaterThan(Math.max(...firstIds));
    });
  });
}
