import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseFile on FAQ JSON', () => {
  it('makes each entry a document keyed by its index, keeping the url', async () => {
    const json = JSON.stringify([
      {
        question: 'How do I cancel?',
        answer: 'From Billing.\n\nIt ends that month.',
        url: 'https://x.test/cancel',
      },
      { question: 'Is there a trial?', answer: 'Yes, 14 days.' },
    ]);
    expect(await parseFile(utf8(json), 'faq.json')).toEqual([
      {
        key: '0',
        title: 'How do I cancel?',
        format: 'faq_json',
        blocks: [
          { type: 'paragraph', text: 'From Billing.' },
          { type: 'paragraph', text: 'It ends that month.' },
        ],
        url: 'https://x.test/cancel',
      },
      {
        key: '1',
        title: 'Is there a trial?',
        format: 'faq_json',
        blocks: [{ type: 'paragraph', text: 'Yes, 14 days.' }],
      },
    ]);
  });

  it('says which entry breaks the expected shape of a .json file', async () => {
    const json = JSON.stringify([
      { question: 'A?', answer: 'B.' },
      { question: 'C?', reply: 'D.' },
    ]);
    await expect(parseFile(utf8(json), 'faq.json')).rejects.toMatchObject({
      code: 'invalid_input',
      message:
        'not FAQ JSON: expected an array of {question, answer, url?} (entry 1 has no "answer" string)',
    });
  });

  it('refuses a .json file that is not JSON at all', async () => {
    await expect(parseFile(utf8('[{"question": "A?",'), 'faq.json')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^not FAQ JSON: expected an array of \{question, answer, url\?\} \(not valid JSON: /,
      ),
    });
  });
});

describe('parseFile on a BEIR corpus', () => {
  it('makes each line a document keyed by its _id', async () => {
    const jsonl = [
      JSON.stringify({ _id: 'doc1', title: 'Refunds', text: 'Refunds take five days.' }),
      '',
      JSON.stringify({
        _id: 'doc2',
        text: 'Orders ship from our warehouse in Leeds within two working days of payment.',
      }),
    ].join('\n');
    expect(await parseFile(utf8(jsonl), 'corpus.jsonl')).toEqual([
      {
        key: 'doc1',
        title: 'Refunds',
        format: 'beir_jsonl',
        blocks: [{ type: 'paragraph', text: 'Refunds take five days.' }],
      },
      {
        key: 'doc2',
        title: 'Orders ship from our warehouse in Leeds within two working…',
        format: 'beir_jsonl',
        blocks: [
          {
            type: 'paragraph',
            text: 'Orders ship from our warehouse in Leeds within two working days of payment.',
          },
        ],
      },
    ]);
  });

  it('names the line that is not a BEIR record', async () => {
    const jsonl = ['{"_id":"a","text":"One"}', '{"_id":"b","text":"Two"}', '{"_id":"c"}'].join(
      '\n',
    );
    await expect(parseFile(utf8(jsonl), 'corpus.jsonl')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'line 3 is not a BEIR record: expected JSON Lines of {_id, text, title?}',
    });
  });

  it('names the line that is not JSON', async () => {
    const jsonl = ['{"_id":"a","text":"One"}', '{"_id":"b","text":"Two"'].join('\n');
    await expect(parseFile(utf8(jsonl), 'corpus.jsonl')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^line 2 is not valid JSON \(/),
    });
  });

  it('refuses a repeated _id, which would make keys ambiguous', async () => {
    const jsonl = ['{"_id":"a","text":"One"}', '{"_id":"a","text":"Two"}'].join('\n');
    await expect(parseFile(utf8(jsonl), 'corpus.jsonl')).rejects.toMatchObject({
      message: 'line 2 repeats the _id "a" of line 1',
    });
  });
});
