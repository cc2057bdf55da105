import { describe, expect, it } from 'vitest';
import { makePdf, pdfBomb } from '../../../test/helpers/documents.js';
import { createParseWorkers, parseFile } from './index.js';

const NOTE = 'Opening hours: 9 to 5.';

describe('the time a parse is given', () => {
  it('does not count starting a worker: a cold set reads four small PDFs at once, 1 s each', async () => {
    // Four workers starting at once take over a second to load the parsers through tsx, as the
    // tests run them; the files themselves take milliseconds. Through tsx they also take some
    // 800 MB while they start: a budget that lets them, so that the four are read at once.
    const workers = createParseWorkers({ timeoutMs: 1_000, concurrency: 4, memoryBudgetMb: 4096 });
    const note = await makePdf((doc) => doc.text(NOTE));
    const docs = await Promise.all(
      ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf'].map((name) => parseFile(note, name, { workers })),
    );
    expect(docs.map(([doc]) => doc?.blocks)).toEqual(
      Array(4).fill([{ type: 'paragraph', text: NOTE }]),
    );
  }, 60_000);

  it('still stops a file that takes longer, near the limit', async () => {
    const workers = createParseWorkers({ timeoutMs: 1_000 });
    // 1 GiB of spaces: seconds of work, and no text.
    const error: unknown = await parseFile(pdfBomb(1024, ' '), 'blank.pdf', { workers }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      code: 'timeout',
      message: 'reading it took longer than the 1 s this service gives one file',
      details: { stopped: 'time', limit: 1_000 },
    });
    const { elapsedMs } = (error as { details: { elapsedMs: number } }).details;
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(elapsedMs).toBeLessThan(3_000);
  }, 60_000);

  it('stops a worker that does not begin the parse in the time it is given to start', async () => {
    // No worker starts in 1 ms.
    const workers = createParseWorkers({ timeoutMs: 1_000, startTimeoutMs: 1 });
    const note = await makePdf((doc) => doc.text(NOTE));
    await expect(parseFile(note, 'note.pdf', { workers })).rejects.toMatchObject({
      code: 'timeout',
      message:
        "reading it could not start: the service's file reader took longer than 0.001 s to start",
      details: { stopped: 'time', limit: 1 },
    });
  });
});
