import { describe, expect, it } from 'vitest';
import type { Block, ParsedDocument } from '../parse/index.js';
import { chunkDocument } from './index.js';

function doc(blocks: Block[]): ParsedDocument {
  return { key: '', title: 'Help', format: 'markdown', blocks };
}

const heading = (text: string, level: number): Block => ({ type: 'heading', text, level });
const paragraph = (text: string): Block => ({ type: 'paragraph', text });
/** `count` numbered words: "w1 w2 … wN", easy to follow across chunks. */
const words = (count: number, prefix = 'w'): string =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`).join(' ');

describe('chunkDocument', () => {
  it('starts a chunk at each heading and records the heading path, not the heading text', () => {
    const chunks = chunkDocument(
      doc([
        heading('Billing', 1),
        paragraph('Invoices are monthly.'),
        heading('Refunds', 2),
        paragraph('Refunds take five days.'),
        { type: 'list_item', text: 'Card refunds are faster.' },
        heading('Limits', 3),
        paragraph('Up to $500.'),
        heading('Accounts', 2),
        paragraph('One per company.'),
        heading('Security', 1),
        heading('Passwords', 3),
        paragraph('Use twelve characters.'),
      ]),
    );
    expect(chunks).toEqual([
      { ordinal: 0, text: 'Invoices are monthly.', headingPath: ['Billing'] },
      {
        ordinal: 1,
        text: 'Refunds take five days.\n- Card refunds are faster.',
        headingPath: ['Billing', 'Refunds'],
      },
      { ordinal: 2, text: 'Up to $500.', headingPath: ['Billing', 'Refunds', 'Limits'] },
      { ordinal: 3, text: 'One per company.', headingPath: ['Billing', 'Accounts'] },
      { ordinal: 4, text: 'Use twelve characters.', headingPath: ['Security', 'Passwords'] },
    ]);
  });

  it('writes a numbered list item with its number and any other with a dash', () => {
    const chunks = chunkDocument(
      doc([
        heading('How to freeze', 2),
        { type: 'list_item', text: 'Open the app.', number: 1 },
        { type: 'list_item', text: 'Tap Freeze.', number: 2 },
        { type: 'list_item', text: 'Any club.' },
      ]),
    );
    expect(chunks.map((c) => c.text)).toEqual(['1. Open the app.\n2. Tap Freeze.\n- Any club.']);
  });

  it('gives text before the first heading an empty path and emits no chunk for empty sections', () => {
    const chunks = chunkDocument(
      doc([paragraph('Welcome.'), heading('Empty', 1), heading('Also empty', 2)]),
    );
    expect(chunks).toEqual([{ ordinal: 0, text: 'Welcome.', headingPath: [] }]);
  });

  it('fills chunks up to the size and repeats the overlap within a section', () => {
    const chunks = chunkDocument(
      doc([paragraph(words(6, 'a')), paragraph(words(6, 'b')), paragraph(words(6, 'c'))]),
      { size: 14, overlap: 3 },
    );
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      `${words(6, 'a')}\n${words(6, 'b')}`,
      `b4 b5 b6\n${words(6, 'c')}`,
    ]);
  });

  it('does not carry the overlap across a heading', () => {
    const chunks = chunkDocument(
      doc([paragraph(words(10, 'a')), heading('Next', 2), paragraph(words(10, 'b'))]),
      { size: 12, overlap: 4 },
    );
    expect(chunks.map((chunk) => chunk.text)).toEqual([words(10, 'a'), words(10, 'b')]);
  });

  it('cuts a block larger than the size at sentence ends', () => {
    const sentences = ['One two three four.', 'Five six seven eight!', 'Nine ten eleven twelve?'];
    const chunks = chunkDocument(doc([paragraph(sentences.join(' '))]), { size: 8, overlap: 2 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      'One two three four. Five six seven eight!',
      'seven eight! Nine ten eleven twelve?',
    ]);
  });

  it('cuts a sentence larger than the size between words, keeping every chunk within size', () => {
    const chunks = chunkDocument(doc([paragraph(words(25))]), { size: 10, overlap: 3 });
    for (const chunk of chunks) expect(chunk.text.split(' ').length).toBeLessThanOrEqual(10);
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      words(7),
      'w5 w6 w7 w8 w9 w10 w11 w12 w13 w14',
      'w12 w13 w14 w15 w16 w17 w18 w19 w20 w21',
      'w19 w20 w21 w22 w23 w24 w25',
    ]);
  });

  it('cuts large code blocks at line ends', () => {
    const code = ['npm install', 'npm run build', 'npm test', 'npm start'].join('\n');
    const chunks = chunkDocument(doc([{ type: 'code', text: code }]), { size: 5, overlap: 1 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      'npm install\nnpm run build',
      'build\nnpm test\nnpm start',
    ]);
  });

  it('gives the same chunks for the same document every time', () => {
    const document = doc([
      heading('Guide', 1),
      paragraph(`${words(120)}. ${words(90, 'x')}.`),
      { type: 'list_item', text: words(40, 'l') },
      { type: 'table_row', text: 'Plan: Pro | Price: $10' },
    ]);
    const first = chunkDocument(document, { size: 50, overlap: 10 });
    expect(chunkDocument(document, { size: 50, overlap: 10 })).toEqual(first);
    expect(first.map((chunk) => chunk.ordinal)).toEqual(first.map((_, index) => index));
  });

  it('uses 180 words with a 30-word overlap by default', () => {
    const chunks = chunkDocument(doc([paragraph(`${words(200)}.`)]));
    expect(chunks).toHaveLength(2);
    expect(chunks[0]?.text.split(' ')).toHaveLength(150);
    expect(chunks[1]?.text.startsWith('w121 ')).toBe(true);
  });

  it('refuses a size that is not positive and an overlap not smaller than the size', () => {
    const document = doc([paragraph('Text.')]);
    expect(() => chunkDocument(document, { size: 0 })).toThrow(
      new RangeError('chunk size must be a positive whole number of words, got 0'),
    );
    expect(() => chunkDocument(document, { size: -5 })).toThrow(RangeError);
    expect(() => chunkDocument(document, { size: 10, overlap: 10 })).toThrow(
      new RangeError('chunk overlap (10 words) must be smaller than the chunk size (10 words)'),
    );
    expect(() => chunkDocument(document, { size: 10, overlap: -1 })).toThrow(RangeError);
  });
});
