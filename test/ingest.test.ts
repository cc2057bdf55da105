import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadingLevel, Paragraph } from 'docx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ingestFiles,
  ingestPaths,
  Retriever,
  summarize,
  DEFAULT_RETRIEVER_SETTINGS,
  type IngestOptions,
} from '../src/rag/index.js';
import {
  openDatabase,
  SqliteKnowledgeRepository,
  type SqliteDatabase,
} from '../src/store/index.js';
import { makeDocx, makePdf } from './helpers/documents.js';

let dir: string;
let db: SqliteDatabase;
let repo: SqliteKnowledgeRepository;
const options: IngestOptions = { maxFileBytes: 5 * 1024 * 1024, chunk: { size: 120, overlap: 20 } };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sa-ingest-'));
  db = openDatabase(':memory:');
  repo = new SqliteKnowledgeRepository(db);
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** One file per format, each with a word found nowhere else. */
async function writeEveryFormat(): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    'refunds.md':
      '# Refunds\n\nAsk for a refund within 30 days. Marker: zebrafinch.\n\n## Gift cards\n\n- Gift cards cannot be refunded.\n',
    'notes.txt': 'Opening hours\n\nOur support desk answers from 9 to 5. Marker: quokka.\n',
    'page.html':
      '<!doctype html><html><head><title>Shipping</title></head><body><nav>Menu</nav><h1>Shipping</h1><p>Parcels leave within two days. Marker: axolotl.</p></body></html>',
    'faq.json': JSON.stringify([
      {
        question: 'How do I change my password?',
        answer: 'Open settings and choose password. Marker: narwhal.',
        url: 'https://help.example.com/password',
      },
      { question: 'Can I pay by invoice?', answer: 'Yes, for business accounts. Marker: okapi.' },
    ]),
    'faq.csv':
      'question,answer\n"Do you ship abroad?","We ship to 40 countries. Marker: pangolin."\n',
    'corpus.jsonl': `${JSON.stringify({ _id: 'd1', title: 'Warranty', text: 'Two years of warranty. Marker: capybara.' })}\n`,
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  await writeFile(
    join(dir, 'guide.pdf'),
    await makePdf(
      (doc) => {
        doc.fontSize(22).text('Returns guide');
        doc.fontSize(11).text('Pack the item in its box and attach the label. Marker: wombat.');
      },
      { info: { Title: 'Returns guide' } },
    ),
  );
  await writeFile(
    join(dir, 'manual.docx'),
    await makeDocx([
      new Paragraph({ text: 'Account deletion', heading: HeadingLevel.HEADING_1 }),
      new Paragraph('Deleting an account removes every order. Marker: tapir.'),
      new Paragraph({ text: 'Export your data first.', bullet: { level: 0 } }),
    ]),
  );
  return {
    'refunds.md': 'zebrafinch',
    'notes.txt': 'quokka',
    'page.html': 'axolotl',
    'faq.json': 'narwhal',
    'faq.csv': 'pangolin',
    'corpus.jsonl': 'capybara',
    'guide.pdf': 'wombat',
    'manual.docx': 'tapir',
  };
}

async function found(word: string) {
  const result = await new Retriever(repo, DEFAULT_RETRIEVER_SETTINGS).search(`what about ${word}`);
  return result.hits.map((h) => h.source.split('/').pop());
}

describe('ingestion', () => {
  it('ingests every format, each searchable, with title, heading path and source on its chunks', async () => {
    const markers = await writeEveryFormat();
    const report = await ingestPaths(repo, [dir], options);
    expect(report.failed).toEqual([]);
    expect(report.files).toBe(8);
    expect(report.documents.added).toBe(9); // faq.json holds two entries
    for (const [file, marker] of Object.entries(markers))
      expect(await found(marker)).toEqual([file]);

    const [hit] = (
      await new Retriever(repo, DEFAULT_RETRIEVER_SETTINGS).search('gift cards refunded')
    ).hits;
    expect(hit).toMatchObject({
      title: 'Refunds',
      headingPath: ['Refunds', 'Gift cards'],
      source: join(dir, 'refunds.md'),
    });
    expect(hit?.snippet).toContain('<mark>Gift</mark> <mark>cards</mark>');
    const [faq] = (await new Retriever(repo, DEFAULT_RETRIEVER_SETTINGS).search('change password'))
      .hits;
    expect(faq).toMatchObject({
      title: 'How do I change my password?',
      url: 'https://help.example.com/password',
    });
  });

  it('running again changes nothing', async () => {
    await writeEveryFormat();
    await ingestPaths(repo, [dir], options);
    const before = await repo.stats();
    const again = await ingestPaths(repo, [dir], options);
    expect(again).toMatchObject({
      unchangedFiles: 8,
      chunksWritten: 0,
      documents: { added: 0, updated: 0, removed: 0 },
    });
    expect(summarize(again)).toBe(
      '8 files, all unchanged since the last run: not read again, nothing written',
    );
    expect(await repo.stats()).toEqual(before);
  });

  it('keeps an uploaded file with its documents, and keeps it when the same bytes come again', async () => {
    const data = new TextEncoder().encode('# Returns\n\nReturns are free for 30 days.');
    const file = { source: 'uploads/returns.md', name: 'returns.md', data };
    await ingestFiles(repo, [file], options);
    expect(await repo.keptFile('kb', 'uploads/returns.md')).toBeNull();
    const again = await ingestFiles(repo, [file], { ...options, keepFiles: true });
    expect(again.unchangedFiles).toBe(1);
    const kept = await repo.keptFile('kb', 'uploads/returns.md');
    expect(kept?.name).toBe('returns.md');
    expect(Buffer.from(kept?.data ?? []).toString()).toContain('free for 30 days');
  });

  it('a changed file replaces its chunks; unchanged documents of the same file are not rewritten', async () => {
    await writeEveryFormat();
    await ingestPaths(repo, [dir], options);
    const faq = JSON.parse(await readFile(join(dir, 'faq.json'), 'utf8')) as Array<{
      answer: string;
    }>;
    faq[1]!.answer = 'Invoices are available for business accounts. Marker: meerkat.';
    await writeFile(join(dir, 'faq.json'), JSON.stringify(faq));
    const report = await ingestPaths(repo, [dir], options);
    expect(report).toMatchObject({
      unchangedFiles: 7,
      documents: { added: 0, updated: 1, unchanged: 1, removed: 0 },
      chunksWritten: 1,
    });
    expect(summarize(report)).toMatch(
      /^8 files \(7 unchanged since the last run, not read again\); documents: 0 added, 1 updated, 1 unchanged/,
    );
    expect(await found('okapi')).toEqual([]);
    expect(await found('meerkat')).toEqual(['faq.json']);
    expect(await found('narwhal')).toEqual(['faq.json']);
  });

  it('reports and skips a corrupt PDF, an empty file and a binary file named .md, and goes on', async () => {
    await writeFile(join(dir, 'good.md'), '# Good\n\nThis one is fine. Marker: ibex.\n');
    const pdf = await makePdf((doc) => doc.text('A perfectly fine PDF about refunds and returns.'));
    await writeFile(join(dir, 'broken.pdf'), pdf.slice(0, Math.floor(pdf.length / 2)));
    await writeFile(join(dir, 'empty.txt'), '');
    await writeFile(
      join(dir, 'image.md'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
    );
    await writeFile(
      join(dir, 'locked.pdf'),
      await makePdf((doc) => doc.text('secret'), { userPassword: 'pw' }),
    );

    const report = await ingestPaths(repo, [dir, join(dir, 'missing-folder')], options);
    const reasons = Object.fromEntries(
      report.failed.map((f) => [f.path.split('/').pop(), f.reason]),
    );
    expect(reasons['broken.pdf']).toMatch(/^not a readable PDF/);
    expect(reasons['empty.txt']).toBe('the file is empty');
    expect(reasons['image.md']).toMatch(
      /^a picture \(named "image.md"\): no text is read from images/,
    );
    expect(reasons['locked.pdf']).toBe('the PDF is password-protected');
    expect(reasons['missing-folder']).toBe('does not exist');
    expect(report.documents.added).toBe(1);
    expect(await repo.stats()).toEqual({ documents: 1, chunks: 1 });
    expect(await found('ibex')).toEqual(['good.md']);
  });

  it("passes over a folder's pictures, styles, scripts and fonts as not articles; named alone, an image still fails", async () => {
    await mkdir(join(dir, 'assets'));
    await writeFile(
      join(dir, 'shipping.md'),
      '# Shipping\n\nParcels leave within a day. Marker: okapi.\n',
    );
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48,
    ]);
    await writeFile(join(dir, 'assets', 'logo.PNG'), png);
    await writeFile(join(dir, 'assets', 'photo.jpg'), png);
    // Text that would otherwise be taken for an article and searched.
    await writeFile(
      join(dir, 'assets', 'site.css'),
      'body { color: #333; } .refund { margin: 0 }\n',
    );
    await writeFile(join(dir, 'assets', 'app.js'), 'document.title = "Refunds";\n');
    await writeFile(join(dir, 'assets', 'inter.woff2'), png);

    const report = await ingestPaths(repo, [dir], options);
    expect(report.failed).toEqual([]);
    expect(report.documents.added).toBe(1);
    expect(report.skipped.map((f) => [f.path.split('/').pop(), f.kind])).toEqual([
      ['app.js', 'script'],
      ['inter.woff2', 'font'],
      ['logo.PNG', 'image'],
      ['photo.jpg', 'image'],
      ['site.css', 'style sheet'],
    ]);
    expect(summarize(report)).toContain(
      '5 skipped, not articles (script, font, image, style sheet)',
    );
    expect(await found('refund')).toEqual([]);

    const alone = await ingestPaths(repo, [join(dir, 'assets', 'photo.jpg')], options);
    expect(alone.skipped).toEqual([]);
    expect(alone.failed.map((f) => f.reason)).toEqual([
      expect.stringMatching(/a picture \(named "photo.jpg"\): no text is read from images/),
    ]);
  });

  it('skips a file over the size limit without reading it, naming the limit', async () => {
    await writeFile(join(dir, 'big.txt'), 'word '.repeat(3000));
    const report = await ingestPaths(repo, [dir], { ...options, maxFileBytes: 1000 });
    expect(report.failed).toEqual([
      {
        path: join(dir, 'big.txt'),
        reason: 'the file is 14.6 KB, over the limit of 1000 bytes (KB_MAX_FILE_BYTES)',
      },
    ]);
  });

  it('--prune removes documents whose files are gone, and only below the given paths', async () => {
    await writeEveryFormat();
    const elsewhere = await mkdtemp(join(tmpdir(), 'sa-other-'));
    await writeFile(join(elsewhere, 'other.md'), '# Other\n\nMarker: gecko.\n');
    await ingestPaths(repo, [dir, elsewhere], options);
    await rm(join(dir, 'notes.txt'));
    await rm(join(elsewhere, 'other.md'));

    const report = await ingestPaths(repo, [dir], { ...options, prune: true });
    expect(report.pruned).toBe(1);
    expect(await found('quokka')).toEqual([]);
    expect(await found('gecko')).toEqual(['other.md']);
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('does not add a second copy of files stored already from another folder, and says which', async () => {
    await writeEveryFormat();
    await ingestPaths(repo, [dir], options);
    const before = await repo.stats();
    const copy = await mkdtemp(join(tmpdir(), 'sa-copy-'));
    await writeFile(join(copy, 'refunds.md'), await readFile(join(dir, 'refunds.md')));
    await writeFile(join(copy, 'new.md'), '# New\n\nMarker: tapir.\n');
    try {
      const report = await ingestPaths(repo, [copy], options);
      expect(report.duplicates).toEqual([
        { path: join(copy, 'refunds.md'), sameAs: join(dir, 'refunds.md') },
      ]);
      expect(report.documents.added).toBe(1);
      expect(summarize(report)).toContain('1 not added, the same as a file already stored');
      expect(await found('zebrafinch')).toEqual(['refunds.md']);
      expect((await repo.stats()).documents).toBe(before.documents + 1);
      expect((await repo.sources('kb')).map((s) => s.source)).not.toContain(
        join(copy, 'refunds.md'),
      );
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('a help center moved to another folder is stored under its new paths, not twice', async () => {
    await writeEveryFormat();
    await ingestPaths(repo, [dir], options);
    const before = await repo.stats();
    const parent = await mkdtemp(join(tmpdir(), 'sa-moved-'));
    const moved = join(parent, 'help-center');
    await rename(dir, moved);
    try {
      const report = await ingestPaths(repo, [moved], options);
      expect(report.duplicates).toEqual([]);
      expect(report.documents.added).toBeGreaterThan(0);
      expect(report.documents.removed).toBe(report.documents.added);
      expect(await repo.stats()).toEqual(before);
      const sources = (await repo.sources('kb')).map((s) => s.source);
      expect(sources.every((source) => source.startsWith(moved))).toBe(true);
      expect(await found('zebrafinch')).toEqual(['refunds.md']);
    } finally {
      await rename(moved, dir);
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('of two files with the same bytes in one folder, the second is reported as a copy, not stored', async () => {
    await writeFile(join(dir, 'a.md'), '# Opening hours\n\nWe open at nine. Marker: dugong.\n');
    await writeFile(join(dir, 'b.md'), '# Opening hours\n\nWe open at nine. Marker: dugong.\n');
    const report = await ingestPaths(repo, [dir], options);
    expect(report.duplicates).toEqual([{ path: join(dir, 'b.md'), sameAs: join(dir, 'a.md') }]);
    expect((await repo.stats()).documents).toBe(1);
  });

  it('never leaves half a document: a failing write rolls the whole file back', async () => {
    await writeFile(join(dir, 'a.md'), '# A\n\nfirst version. Marker: lemur.\n');
    await ingestPaths(repo, [dir], options);
    const before = await repo.stats();
    const doc = { docKey: '', title: 'A', format: 'markdown', contentHash: 'new' };
    await expect(
      repo.replaceSource('kb', join(dir, 'a.md'), 'x', [
        {
          ...doc,
          chunks: [
            { ordinal: 0, headingPath: [], text: 'replacement' },
            { ordinal: 1, headingPath: [], text: null as unknown as string },
          ],
        },
      ]),
    ).rejects.toThrow(/NOT NULL/);
    expect(await repo.stats()).toEqual(before);
    expect(await found('lemur')).toEqual(['a.md']);
  });

  it('in a batch, a file whose write fails is rolled back alone; the others are kept', async () => {
    const doc = (text: string | null) => ({
      docKey: '',
      title: 'T',
      format: 'markdown',
      contentHash: String(text),
      chunks: [{ ordinal: 0, headingPath: [], text: text as string }],
    });
    const results = await repo.replaceSources([
      { scope: 'kb', source: '/a.md', fileHash: 'a', documents: [doc('alpha Marker: oryx.')] },
      {
        scope: 'kb',
        source: '/b.md',
        fileHash: 'b',
        documents: [doc('fine'), { ...doc(null), docKey: 'x' }],
      },
      { scope: 'kb', source: '/c.md', fileHash: 'c', documents: [doc('gamma Marker: dingo.')] },
    ]);
    expect(results[0]).toMatchObject({ added: 1 });
    expect(results[1]).toBeInstanceOf(Error);
    expect(results[2]).toMatchObject({ added: 1 });
    expect(await repo.documentsOf('kb', '/b.md')).toEqual([]);
    expect(await repo.stats()).toEqual({ documents: 2, chunks: 2 });
  });
});
