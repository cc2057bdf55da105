import { Paragraph } from 'docx';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { makeDocx } from '../../../test/helpers/documents.js';
import { sniffMediaType } from './media-type.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

describe('sniffMediaType', () => {
  it('tells pictures and documents by their bytes, whatever they are named', () => {
    expect(sniffMediaType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe(
      'image/png',
    );
    expect(sniffMediaType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffMediaType(text('GIF89a...'))).toBe('image/gif');
    expect(sniffMediaType(text('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffMediaType(text('\0\0\0\x18ftypheic'))).toBe('image/heic');
    expect(sniffMediaType(text('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffMediaType(bytes(0x50, 0x4b, 0x03, 0x04, 20))).toBe('application/zip');
  });

  it('says text for text, HTML and SVG included, and octet-stream for other bytes', () => {
    expect(sniffMediaType(text('Order 7781 — reçu'))).toBe('text/plain');
    expect(sniffMediaType(text('<svg onload="alert(1)"/>'))).toBe('text/plain');
    // A character cut at the end of the sample is still text.
    expect(sniffMediaType(text(`${'a'.repeat(4095)}é`))).toBe('text/plain');
    expect(sniffMediaType(bytes(0x61, 0, 0x62))).toBe('application/octet-stream');
    expect(sniffMediaType(bytes(0xc3, 0x28))).toBe('application/octet-stream');
    expect(sniffMediaType(bytes())).toBe('application/octet-stream');
  });

  it('tells Word, Excel and PowerPoint documents from other ZIP archives by the names inside', async () => {
    expect(sniffMediaType(await makeDocx([new Paragraph('Order 7781')]))).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const zip = async (names: string[], comment?: string) => {
      const archive = new JSZip();
      for (const name of names) archive.file(name, '<x/>');
      return archive.generateAsync({ type: 'uint8array', ...(comment ? { comment } : {}) });
    };
    expect(
      sniffMediaType(await zip(['[Content_Types].xml', 'xl/workbook.xml'], 'made by hand')),
    ).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(sniffMediaType(await zip(['[Content_Types].xml', 'ppt/presentation.xml']))).toBe(
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    );
    // A folder named word/ is no Word document without the Office package's content types.
    expect(sniffMediaType(await zip(['word/notes.txt', 'photo.png']))).toBe('application/zip');
    // Cut short, its directory is gone: a ZIP archive still, not a guess.
    const docx = await makeDocx([new Paragraph('Order 7781')]);
    expect(sniffMediaType(docx.subarray(0, docx.length - 30))).toBe('application/zip');
  });
});
