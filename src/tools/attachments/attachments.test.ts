import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../../test/helpers/documents.js';
import { openDatabase, SqliteKnowledgeRepository } from '../../store/index.js';
import { hideCardNumbers } from '../../agent/card-numbers.js';
import { createAttachmentsTool } from './attachments.js';

const db = openDatabase(':memory:');
afterAll(() => db.close());

const context = () => ({
  signal: new AbortController().signal,
  sessionId: 'S',
  attempt: 1,
  log: pino({ level: 'silent' }),
});

describe('the attachments tool', () => {
  it('reads the files of a message within its time budget, reporting those it had no time for', async () => {
    const tool = createAttachmentsTool(new SqliteKnowledgeRepository(db), {
      maxFileBytes: 1 << 20,
      maxMessageBytes: 1 << 22,
      chunkSize: 180,
      chunkOverlap: 30,
      readBudgetMs: 100,
    });
    const pdf = await makePdf((doc) => doc.text('The total amount due is 149 euros.'));
    const summaries = await tool.execute(
      {
        files: [
          { name: 'first.pdf', data: pdf },
          { name: 'second.pdf', data: pdf },
        ],
      },
      context(),
    );
    expect(summaries).toEqual([
      {
        name: 'first.pdf',
        ok: false,
        preview: '',
        chunks: 0,
        error: 'parsing the file took too long',
        problem: 'too_slow',
      },
      {
        name: 'second.pdf',
        ok: false,
        preview: '',
        chunks: 0,
        error:
          'not read: the files of one message are read within 0.1 s, and the files before it took that time',
        problem: 'too_slow',
      },
    ]);
  });

  it('says why a file was not read as its customer is told: a picture, a kind not read, no text, damage', async () => {
    const tool = createAttachmentsTool(new SqliteKnowledgeRepository(db), {
      maxFileBytes: 1 << 20,
      maxMessageBytes: 1 << 22,
      chunkSize: 180,
      chunkOverlap: 30,
    });
    const bytes = (...b: number[]) => new Uint8Array([...b, ...new Array<number>(16).fill(0)]);
    const files = [
      {
        name: 'photo.heic',
        data: bytes(0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63),
      },
      {
        name: 'shot.webp',
        data: bytes(0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50),
      },
      { name: 'old.doc', data: bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1) },
      { name: 'blank.txt', data: new TextEncoder().encode('   \n\n  ') },
      { name: 'scan.pdf', data: await makePdf(() => undefined) },
      { name: 'cut.pdf', data: new TextEncoder().encode('%PDF-1.7 cut short') },
      // "BM" begins text as well as bitmaps: a text file is read as text.
      { name: 'bm.txt', data: new TextEncoder().encode('BM and the rest of a note') },
    ];
    const summaries = await tool.execute({ files }, context());
    expect(summaries.map((s) => [s.name, s.ok ? 'read' : s.problem])).toEqual([
      ['photo.heic', 'image'],
      ['shot.webp', 'image'],
      ['old.doc', 'unsupported'],
      ['blank.txt', 'empty'],
      ['scan.pdf', 'empty'],
      ['cut.pdf', 'damaged'],
      ['bm.txt', 'read'],
    ]);
  });

  it('stores, searches and previews a file with its card numbers hidden, and counts them', async () => {
    const knowledge = new SqliteKnowledgeRepository(db);
    const tool = createAttachmentsTool(knowledge, {
      maxFileBytes: 1 << 20,
      maxMessageBytes: 1 << 22,
      chunkSize: 180,
      chunkOverlap: 30,
      hide: (text) => hideCardNumbers(text),
    });
    const invoice = await makePdf((doc) => {
      doc.fontSize(12).text('Invoice 88. Paid by card 4111 1111 1111 1111 on 3 March.');
    });
    const files = [
      { name: 'invoice.pdf', data: invoice },
      { name: 'note.txt', data: new TextEncoder().encode('No card here, order 123456.') },
    ];
    const summaries = await tool.execute({ files }, { ...context(), sessionId: 'cards' });
    expect(summaries.map((s) => [s.name, s.ok, s.hidden])).toEqual([
      ['invoice.pdf', true, 1],
      ['note.txt', true, undefined],
    ]);
    expect(summaries[0]?.preview).toContain('[card number hidden, ending 1111]');
    expect(summaries[0]?.preview).not.toContain('4111 1111');
    const hits = await knowledge.searchLexical({
      terms: ['invoice', 'card'],
      scopes: ['session:cards'],
      limit: 5,
      titleWeight: 0,
      postingBudget: 500,
    });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(hit.text).not.toMatch(/4111[ -]?1111/);
  });

  it("keeps an earlier message's file when a later one has the same name, unless it is the same file", async () => {
    const knowledge = new SqliteKnowledgeRepository(db);
    const tool = createAttachmentsTool(knowledge, {
      maxFileBytes: 1 << 20,
      maxMessageBytes: 1 << 22,
      chunkSize: 180,
      chunkOverlap: 30,
    });
    const note = (text: string) => [{ name: 'note.txt', data: new TextEncoder().encode(text) }];
    const session = { ...context(), sessionId: 'same-names' };
    const send = async (text: string) =>
      (await tool.execute({ files: note(text) }, session)).map((s) => [s.name, s.ok]);
    expect(await send('The parcel number is 7781.')).toEqual([['note.txt', true]]);
    expect(await send('The refund reference is R-2290.')).toEqual([['note (2).txt', true]]);
    // The first file sent again is the file already read, under its own name.
    expect(await send('The parcel number is 7781.')).toEqual([['note.txt', true]]);
    const found = async (term: string) =>
      (
        await knowledge.searchLexical({
          terms: [term],
          scopes: ['session:same-names'],
          limit: 5,
          titleWeight: 0,
          postingBudget: 500,
        })
      ).map((hit) => hit.text);
    expect(await found('parcel')).toEqual(['The parcel number is 7781.']);
    expect(await found('refund')).toEqual(['The refund reference is R-2290.']);
    expect((await knowledge.sources('session:same-names')).map((s) => s.source).sort()).toEqual([
      'attachment:note (2).txt',
      'attachment:note.txt',
    ]);
  });
});
