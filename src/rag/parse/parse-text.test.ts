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

  it('keeps long lines of a record apart: fields, rows of a table, amounts', async () => {
    const text = [
      'Invoice INV-20931 for order PO-88213, issued 2 November 2026',
      'Bill to: Maria Lopez, 12 Elm Street, Apartment 4B, Portland OR 97201',
      'Ridgeline 2P Tent    qty 1    unit price $289.00    $289.00',
      'Alpine Down Sleeping Bag and its compression sack, qty 1, $219.00',
      'Total due $527.95',
      '- Returns are free within 60 days of delivery for every item',
      '- Exchanges are free too',
    ].join('\n');
    const [doc] = await parseFile(utf8(text), 'invoice.txt');
    expect(doc?.blocks.map((block) => block.text)).toEqual([
      'Invoice INV-20931 for order PO-88213, issued 2 November 2026',
      'Bill to: Maria Lopez, 12 Elm Street, Apartment 4B, Portland OR 97201',
      'Ridgeline 2P Tent qty 1 unit price $289.00 $289.00',
      'Alpine Down Sleeping Bag and its compression sack, qty 1, $219.00',
      'Total due $527.95',
      '- Returns are free within 60 days of delivery for every item',
      '- Exchanges are free too',
    ]);
  });

  it('joins a label to its value on the next line, and prose that carries on', async () => {
    const text = [
      'Bill to:',
      'Maria Lopez',
      'Note: parcels that are left with a neighbour count as delivered to',
      'you, as the courier tells us.',
    ].join('\n');
    const [doc] = await parseFile(utf8(text), 'note.txt');
    expect(doc?.blocks.map((block) => block.text)).toEqual([
      'Bill to: Maria Lopez',
      'Note: parcels that are left with a neighbour count as delivered to you, as the courier tells us.',
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
