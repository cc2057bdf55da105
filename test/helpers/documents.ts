/// <reference types="pdfkit" />
// Real documents made by real libraries, for tests: never hand-written bytes.
import { createRequire } from 'node:module';
import { Document, Packer, type Paragraph, type Table } from 'docx';

// @types/pdfkit declares an ambient `export =` module, which cannot be default-imported without
// `esModuleInterop`; pdfkit is CommonJS, so `require` gives the class, typed by its `new` signature.
const PDFDocument = createRequire(import.meta.url)('pdfkit') as PDFKit.PDFDocument;

/** Renders a PDF with pdfkit; `draw` writes the content. */
export function makePdf(
  draw: (doc: PDFKit.PDFDocument) => void,
  options: PDFKit.PDFDocumentOptions = {},
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument(options);
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

/** Renders a Word document with the docx library. */
export async function makeDocx(children: Array<Paragraph | Table>): Promise<Uint8Array> {
  const buffer = await Packer.toBuffer(new Document({ sections: [{ children }] }));
  return new Uint8Array(buffer);
}
