import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseFile on CSV', () => {
  it('makes each row of a FAQ-shaped CSV its own document', async () => {
    const csv = [
      'Question,Answer,URL',
      'How do I reset my password?,"Open Settings, then Security.",https://help.example.com/reset',
      '"Can I pay by ""invoice""?",Yes on the Pro plan.,',
    ].join('\r\n');
    expect(await parseFile(utf8(csv), 'faq.csv')).toEqual([
      {
        key: '0',
        title: 'How do I reset my password?',
        format: 'csv',
        blocks: [{ type: 'paragraph', text: 'Open Settings, then Security.' }],
        url: 'https://help.example.com/reset',
      },
      {
        key: '1',
        title: 'Can I pay by "invoice"?',
        format: 'csv',
        blocks: [{ type: 'paragraph', text: 'Yes on the Pro plan.' }],
      },
    ]);
  });

  it('recognises title/body columns as a FAQ too', async () => {
    const docs = await parseFile(utf8('title;body\nShipping;Free over $50.\n'), 'articles.csv');
    expect(docs).toMatchObject([
      { key: '0', title: 'Shipping', blocks: [{ text: 'Free over $50.' }] },
    ]);
  });

  it('makes any other CSV one document of rows that name their columns', async () => {
    const csv = 'Plan,Price,Seats\nBasic,$5,1\nPro,$10,\n';
    expect(await parseFile(utf8(csv), 'pricing.csv')).toEqual([
      {
        key: '',
        title: 'pricing',
        format: 'csv',
        blocks: [
          { type: 'table_row', text: 'Plan: Basic | Price: $5 | Seats: 1' },
          { type: 'table_row', text: 'Plan: Pro | Price: $10' },
        ],
      },
    ]);
  });

  it('reads TSV with tabs', async () => {
    const docs = await parseFile(utf8('q\ta\nWhy?\tBecause.\n'), 'faq.tsv');
    expect(docs).toMatchObject([{ title: 'Why?', blocks: [{ text: 'Because.' }] }]);
  });

  it('refuses a CSV with an unclosed quote, naming the line', async () => {
    const csv = 'question,answer\nWhy?,"Because\nHow?,Like this\n';
    await expect(parseFile(utf8(csv), 'faq.csv')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'not a valid CSV file: a quoted value on line 2 is never closed',
    });
  });

  it('refuses a row with more values than the header, naming the line', async () => {
    const csv = 'question,answer\nWhy?,Because.\nHow?,First, then second.\n';
    await expect(parseFile(utf8(csv), 'faq.csv')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^not a valid CSV file: line 3 has 3 values but the header has 2/,
      ),
    });
  });

  it('names the line of a value with text after its closing quote', async () => {
    const csv = 'question,answer\nWhy?,Because.\nHow?,"Like" this\n';
    await expect(parseFile(utf8(csv), 'faq.csv')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^not a valid CSV file: line 3 is malformed \(/),
    });
  });
});
