// The app an exploratory QA pass asked its questions of: the help centers of a bank, an energy
// supplier and a store, ingested together, answered by the extractive responder; and the
// invoice it attached.
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { ingestPaths } from '../../src/rag/index.js';

/** A one-page PDF whose text is `text`, as the QA's invoice.pdf. */
export function pdfOf(text: string): Uint8Array {
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

/** The QA's invoice.pdf. */
export const INVOICE = pdfOf(
  'Invoice 88231. Amount due: 42.50 GBP. Due date: 14 December. Late payment fee: 5 GBP.',
);

/**
 * The app on the three help centers (or on the fixtures' `folders`), in memory; throws when a
 * page fails to ingest.
 */
export async function openQaApp(
  folders = ['help-center-bank', 'help-center-energy', 'acme-help-center'],
): Promise<App> {
  const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), { databasePath: ':memory:' });
  const report = await ingestPaths(
    app.knowledge,
    folders.map((f) => fileURLToPath(new URL(`../fixtures/${f}`, import.meta.url))),
    { maxFileBytes: 1024 * 1024, chunk: { size: 1000, overlap: 100 } },
  );
  if (report.failed.length > 0) {
    await app.close();
    throw new Error(`help centers failed to ingest: ${JSON.stringify(report.failed)}`);
  }
  return app;
}

/**
 * Asks of `app` in a new session each time (`<name>-1`, `<name>-2`, …): every question is a
 * customer's first message.
 *
 * @example
 * const ask = askFresh('outdoor-2');
 * const reply = await ask(app, 'how long do I have to return a tent?');
 */
export function askFresh(name: string) {
  let session = 0;
  return (app: App, text: string) => {
    session += 1;
    return app.turns.start({ sessionId: `${name}-${session}`, text }).result;
  };
}
