/// <reference types="pdfkit" />
// Documents for tests. Real ones are made by real libraries, never hand-written bytes; only files
// made to expand, which no library writes, are built here byte by byte.
import { createRequire } from 'node:module';
import { constants, deflateRawSync } from 'node:zlib';
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

const MiB = 1024 * 1024;

/**
 * Raw deflate data that inflates to `head`, `copies` MiB of `body` repeated, then `tail`, without
 * ever holding that much: a MiB of `body` is compressed once and its copies are concatenated.
 * Each part ends in a full flush, so no copy refers to anything before it.
 */
export function deflatedRepeats(head: string, body: string, copies: number, tail: string): Buffer {
  const flushed = (text: string | Buffer) =>
    deflateRawSync(text, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const once = flushed(Buffer.alloc(MiB - (MiB % body.length)).fill(body));
  return Buffer.concat([
    flushed(head),
    ...Array.from({ length: copies }, () => once),
    deflateRawSync(tail),
  ]);
}

/**
 * A one-page PDF whose content stream inflates to about `megabytes` MiB made of `line`
 * repeated: a small file that a reader trusting it would spend seconds and gigabytes on. With
 * `line` a space, it holds no text at all: only work. The stream is zlib data as PDF wants it (a
 * header, the deflate data, a checksum that pdf.js does not check).
 *
 * @example
 * const blank = pdfBomb(1024, ' '); // 1 GiB of spaces, in about 1 MB
 */
export function pdfBomb(megabytes: number, line: string): Uint8Array {
  const stream = Buffer.concat([
    Buffer.from([0x78, 0xda]),
    deflatedRepeats('', line, megabytes, ''),
    Buffer.alloc(4),
  ]);
  const objects: Array<string | Buffer> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [5 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    stream,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>',
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((object, i) => {
    offsets.push(length);
    const body =
      typeof object === 'string'
        ? [Buffer.from(`${i + 1} 0 obj\n${object}\nendobj\n`)]
        : [
            Buffer.from(`${i + 1} 0 obj\n<< /Length ${object.length} /Filter /FlateDecode >>\n`),
            Buffer.from('stream\n'),
            object,
            Buffer.from('\nendstream\nendobj\n'),
          ];
    for (const part of body) {
      parts.push(part);
      length += part.length;
    }
  });
  const xref = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${xref}` +
        `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`,
    ),
  );
  return new Uint8Array(Buffer.concat(parts));
}
