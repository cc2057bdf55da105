import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { makePdf } from '../../../test/helpers/documents.js';
import { openDatabase, SqliteKnowledgeRepository } from '../../store/index.js';
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
      },
      {
        name: 'second.pdf',
        ok: false,
        preview: '',
        chunks: 0,
        error:
          'not read: the files of one message are read within 0.1 s, and the files before it took that time',
      },
    ]);
  });
});
