import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseFile on plain text', () => {
  it('splits paragraphs at blank lines and joins their lines', async () => {
    const [doc] = await parseFile(
      utf8('We ship worldwide.\nDelivery takes a week.\n\nReturns are free.\n'),
      'shipping.txt',
    );
    expect(doc).toEqual({
      key: '',
      title: 'shipping',
      format: 'text',
      blocks: [
        { type: 'paragraph', text: 'We ship worldwide. Delivery takes a week.' },
        { type: 'paragraph', text: 'Returns are free.' },
      ],
    });
  });

  it('takes short lines standing alone for headings, the first one for the title', async () => {
    const text = [
      'Shipping guide',
      '',
      'We ship worldwide.',
      '',
      'Costs',
      '',
      'Shipping is free over $50.',
      '',
      'Call us: we answer.',
      '',
      'Thanks',
    ].join('\r\n');
    const [doc] = await parseFile(utf8(text), 'guide.txt');
    expect(doc?.title).toBe('Shipping guide');
    expect(doc?.blocks).toEqual([
      { type: 'heading', text: 'Shipping guide', level: 1 },
      { type: 'paragraph', text: 'We ship worldwide.' },
      { type: 'heading', text: 'Costs', level: 2 },
      { type: 'paragraph', text: 'Shipping is free over $50.' },
      { type: 'paragraph', text: 'Call us: we answer.' },
      // The last paragraph heads nothing, so it stays a paragraph.
      { type: 'paragraph', text: 'Thanks' },
    ]);
  });

  it('keeps the short lines of a record apart: each says a thing of its own', async () => {
    const text = 'Invoice 7781\nItem: blue kettle\nTotal: £45.00\nPaid by Visa on 3 March\n';
    const [doc] = await parseFile(utf8(text), 'invoice.txt');
    expect(doc?.blocks).toEqual([
      { type: 'paragraph', text: 'Invoice 7781' },
      { type: 'paragraph', text: 'Item: blue kettle' },
      { type: 'paragraph', text: 'Total: £45.00' },
      { type: 'paragraph', text: 'Paid by Visa on 3 March' },
    ]);
  });

  it('joins lines of prose wrapped at the margin', async () => {
    const text =
      'Orders placed before noon on a working day leave our warehouse\nthe same day, and ' +
      'orders placed later leave the next\nworking day.';
    const [doc] = await parseFile(utf8(text), 'dispatch.txt');
    expect(doc?.blocks).toEqual([
      {
        type: 'paragraph',
        text: 'Orders placed before noon on a working day leave our warehouse the same day, and orders placed later leave the next working day.',
      },
    ]);
  });
});
