/**
 * Answers a QA pass over real HTTP found wrong, on the help centers it ingested together (a
 * bank, an energy supplier, a store): a question sent with a file, a misspelling two edits from
 * the word, and a request for a person or a threat with no question in it. The extractive
 * responder answers, through the whole turn.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';

/** A one-page PDF whose text is `text`, as the QA's invoice.pdf. */
function pdfOf(text: string): Uint8Array {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

const INVOICE = pdfOf(
  'Invoice 88231. Amount due: 42.50 GBP. Due date: 14 December. Late payment fee: 5 GBP.',
);

let app: App;
let session = 0;

beforeAll(async () => {
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), { databasePath: ':memory:' });
  const folders = ['help-center-bank', 'help-center-energy', 'acme-help-center'];
  const report = await ingestPaths(
    app.knowledge,
    folders.map((f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url))),
    { maxFileBytes: 1024 * 1024, chunk: { size: 1000, overlap: 100 } },
  );
  expect(report.failed).toEqual([]);
});

afterAll(async () => {
  await app.close();
});

async function ask(text: string, withInvoice = false) {
  session += 1;
  return app.turns.start({
    sessionId: `qa${session}`,
    text,
    ...(withInvoice ? { attachments: [{ name: 'invoice.pdf', data: INVOICE }] } : {}),
  }).result;
}

describe('a question sent with a file', () => {
  it.each(['how much do I owe?', 'what does this say'])(
    '%j is answered from the file, not the help center',
    async (question) => {
      const reply = await ask(question, true);
      expect(reply.text).toContain('Amount due: 42.50 GBP');
      expect(reply.sources.map((s) => s.title)).toEqual(['invoice.pdf']);
    },
  );

  it('is answered from the help center when it asks the help center and not the file', async () => {
    const reply = await ask('how do I return an item?', true);
    expect(reply.text).toContain('Return an item');
  });
});

it('corrects a letter doubled in the wrong place, two edits from the word', async () => {
  const reply = await ask('how do i chnage my tarrif');
  expect(reply.text).toContain('Compare tariffs');
});

describe('a request for a person or a threat, with no question in it', () => {
  it.each([
    'this is ridiculous, let me talk to a real person',
    'I will do a chargeback with my bank if you do not refund me',
  ])('%j is handed over without quoting the help center', async (message) => {
    const reply = await ask(message);
    expect(reply.escalation.escalate).toBe(true);
    expect(reply.sources).toEqual([]);
    expect(reply.text).not.toMatch(/\[\d\]/);
  });
});
