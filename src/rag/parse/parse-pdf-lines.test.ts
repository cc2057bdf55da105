import { describe, expect, it } from 'vitest';
import { makePdf } from '../../../test/helpers/documents.js';
import { parseFile } from './index.js';

const REFUND =
  'You can ask for a refund within 30 days of purchase, and we send the money back to the card ' +
  'you paid with once the parcel reaches our warehouse in good condition.';

async function paragraphs(draw: (doc: PDFKit.PDFDocument) => void): Promise<string[]> {
  const [doc] = await parseFile(await makePdf(draw), 'file.pdf');
  return doc?.blocks.map((block) => block.text) ?? [];
}

describe('parseFile on PDF lines', () => {
  it('keeps the lines of an invoice apart, each written on its own line', async () => {
    const lines = [
      'Invoice',
      'Order number: 88231',
      'Customer: Jane Doe',
      'Items: 2 x Trail running shoes, $219.00 each',
      'Subtotal: $438.00',
      'Total charged: $477.15',
      'Paid by card ending 4242 on 3 March 2025.',
    ];
    const read = await paragraphs((doc) => {
      doc.fontSize(12);
      for (const line of lines) doc.text(line);
    });
    expect(read).toEqual(lines);
  });

  it('keeps the lines of an address apart, though none of them has a label', async () => {
    const read = await paragraphs((doc) => {
      doc.fontSize(11).text('Jane Doe');
      doc.text('12 High Street, Flat 4');
      doc.text('London N1 2AB');
    });
    expect(read).toEqual(['Jane Doe', '12 High Street, Flat 4', 'London N1 2AB']);
  });

  it('keeps the rows of a list apart, though they are about as long as one another', async () => {
    const rows = [
      'Trail running shoes, size 9, blue',
      'Merino socks, pack of three, grey',
      'Water bottle, 750 ml, steel grey',
      'Rain jacket, size medium, green',
      'Head torch, 300 lumens, black',
      'Running belt, one size, black',
    ];
    const read = await paragraphs((doc) => {
      doc.fontSize(12);
      for (const row of rows) doc.text(row);
    });
    expect(read).toEqual(rows);
  });

  it('joins a paragraph wrapped over lines, also among short lines, and ends it where it ends', async () => {
    const read = await paragraphs((doc) => {
      doc.fontSize(11).text('Order number: 88231');
      doc.text('Jane Doe');
      doc.moveDown();
      doc.text(`${REFUND} ${REFUND}`);
      doc.text('Thanks for shopping with us.');
    });
    expect(read).toEqual([
      'Order number: 88231',
      'Jane Doe',
      `${REFUND} ${REFUND}`,
      'Thanks for shopping with us.',
    ]);
  });

  it('joins a paragraph of two lines alone on its page', async () => {
    const text =
      'Send us a photo of the damaged item and we replace it within five working days, free of charge.';
    expect(await paragraphs((doc) => doc.fontSize(11).text(text))).toEqual([text]);
  });

  it.each([
    ['justified', { align: 'justify' }],
    ['narrower than the page', { width: 250 }],
    ['with its first line indented', { indent: 20 }],
    ['in the first of two columns', { columns: 2 }],
  ] as const)('joins a wrapped paragraph %s', async (_, options) => {
    const read = await paragraphs((doc) => doc.fontSize(10).text(REFUND, options));
    expect(read).toEqual([REFUND]);
  });

  it('joins a paragraph of three lines in the first of two columns', async () => {
    const text =
      'You can ask for a refund within 30 days of purchase, and we send the money back to the ' +
      'card you paid with.';
    expect(await paragraphs((doc) => doc.fontSize(10).text(text, { columns: 2 }))).toEqual([text]);
  });
});
