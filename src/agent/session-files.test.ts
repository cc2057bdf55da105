import { describe, expect, it } from 'vitest';
import {
  asksHelpCenter,
  fileMemory,
  filesAskedOf,
  holdsAll,
  quotedFiles,
  sessionFiles,
} from './session-files.js';

describe('session files', () => {
  it('are read back from the facts that record them, a name like the record itself included', () => {
    const facts = [
      'Customer name: Ada',
      fileMemory('invoice.pdf', 1),
      fileMemory('odd (message 2).txt', 5),
    ];
    expect(sessionFiles(facts)).toEqual([
      { name: 'invoice.pdf', seq: 1 },
      { name: 'odd (message 2).txt', seq: 5 },
    ]);
  });

  it('are asked of just after they came, or by a name for them later', () => {
    const files = [{ name: 'contract-2024.pdf', seq: 1 }];
    expect(filesAskedOf('how much is it?', files, 3)).toEqual({
      names: ['contract-2024.pdf'],
      points: true,
    });
    expect(filesAskedOf('how much is it?', files, 5).names).toEqual([]);
    expect(filesAskedOf('when does the contract end?', files, 9).names).toEqual([
      'contract-2024.pdf',
    ]);
    expect(filesAskedOf('what does my bill say?', files, 9).points).toBe(true);
  });
});

describe('holdsAll', () => {
  it('finds a word of the family of each word asked, not a longer word of another', () => {
    expect(holdsAll(['pay'], ['Late payment fee: 5 GBP'])).toBe(true);
    expect(holdsAll(['due', 'fee'], ['Due date: 14 December. Late fee: 5 GBP'])).toBe(true);
    expect(holdsAll(['car'], ['Pay by card'])).toBe(false);
    expect(holdsAll(['refund'], ['Paid by card'])).toBe(false);
    expect(holdsAll([], ['anything'])).toBe(false);
  });
});

it('asksHelpCenter: how to, whether one may, why, a policy', () => {
  for (const q of [
    'how do I return an item?',
    'can I pay this by card?',
    'why is my bill so high?',
  ])
    expect(asksHelpCenter(q)).toBe(true);
  for (const q of ['when do I have to pay by?', 'how much do I owe?', 'what does this say?'])
    expect(asksHelpCenter(q)).toBe(false);
});

it('quotedFiles: each file by name, its passages in the order stored', () => {
  const hits = [
    { source: 'attachment:a.txt', chunkId: 7, text: 'second' },
    { source: '/kb/faq.md', chunkId: 1, text: 'page' },
    { source: 'attachment:a.txt', chunkId: 6, text: 'first' },
  ];
  expect(quotedFiles(hits)).toEqual([{ name: 'a.txt', preview: 'first\nsecond' }]);
});

it('quotedFiles: the opening keeps the lines of the file, a total a line of its own', () => {
  const text = `Invoice 7781\nBill to:  Maria Lopez\nTotal: $45.00\n${'word '.repeat(70)}`;
  const [file] = quotedFiles([{ source: 'attachment:a.txt', chunkId: 1, text }]);
  expect(file?.preview.split('\n').slice(0, 3)).toEqual([
    'Invoice 7781',
    'Bill to: Maria Lopez',
    'Total: $45.00',
  ]);
  expect(file?.preview.split(/\s+/)).toHaveLength(60);
});
