import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';
import type { ParsedDocument } from './index.js';

async function parseMarkdown(text: string, fileName = 'article.md'): Promise<ParsedDocument> {
  const [doc] = await parseFile(new TextEncoder().encode(text), fileName);
  if (!doc) throw new Error('no document');
  return doc;
}

describe('parseFile on Markdown', () => {
  it('reads headings, paragraphs, lists and a fenced code block in order', async () => {
    const doc = await parseMarkdown(
      [
        '# Two-factor authentication',
        '',
        'Protect your account with a second step.',
        'It takes a minute.',
        '',
        '## Turn it on',
        '',
        '1. Open **Settings**.',
        '2. Choose *Security*,',
        '   then _Two-factor_.',
        '- Scan the code',
        '+ Done',
        '',
        '### From the command line',
        '',
        '```bash',
        '# not a heading',
        'support-agent 2fa enable',
        '```',
        '',
        '## Turn it off',
        '',
        'Ask an admin.',
      ].join('\n'),
    );
    expect(doc.title).toBe('Two-factor authentication');
    expect(doc.format).toBe('markdown');
    expect(doc.blocks).toEqual([
      { type: 'heading', text: 'Two-factor authentication', level: 1 },
      { type: 'paragraph', text: 'Protect your account with a second step. It takes a minute.' },
      { type: 'heading', text: 'Turn it on', level: 2 },
      // Numbered items keep their numbers: they are steps.
      { type: 'list_item', text: 'Open Settings.', number: 1 },
      { type: 'list_item', text: 'Choose Security, then Two-factor.', number: 2 },
      { type: 'list_item', text: 'Scan the code' },
      { type: 'list_item', text: 'Done' },
      { type: 'heading', text: 'From the command line', level: 3 },
      { type: 'code', text: '# not a heading\nsupport-agent 2fa enable' },
      { type: 'heading', text: 'Turn it off', level: 2 },
      { type: 'paragraph', text: 'Ask an admin.' },
    ]);
  });

  it('skips front matter but takes its title', async () => {
    const doc = await parseMarkdown(
      '---\ntitle: "Billing FAQ"\ntags: [billing]\n---\n# Invoices\n\nThey arrive monthly.',
    );
    expect(doc.title).toBe('Billing FAQ');
    expect(doc.blocks).toEqual([
      { type: 'heading', text: 'Invoices', level: 1 },
      { type: 'paragraph', text: 'They arrive monthly.' },
    ]);
  });

  it('falls back to the file name when there is no H1 and no front matter title', async () => {
    const doc = await parseMarkdown('## Only a section\n\nText.', 'docs/reset-password.md');
    expect(doc.title).toBe('reset-password');
  });

  it('reads setext headings', async () => {
    const doc = await parseMarkdown('Account\n=======\n\nSecurity\n--------\n\nText.');
    expect(doc.blocks.slice(0, 2)).toEqual([
      { type: 'heading', text: 'Account', level: 1 },
      { type: 'heading', text: 'Security', level: 2 },
    ]);
    expect(doc.title).toBe('Account');
  });

  it('strips links, images, emphasis and code spans lightly', async () => {
    const doc = await parseMarkdown(
      'See [the guide](https://example.com/a_(b)) ![logo](logo.png) and run `npm *ci*` on my_file_name, not \\*this\\*.',
    );
    expect(doc.blocks).toEqual([
      { type: 'paragraph', text: 'See the guide and run npm *ci* on my_file_name, not *this*.' },
    ]);
  });

  it('reads block quotes as paragraphs and tables as rows that name their columns', async () => {
    const doc = await parseMarkdown(
      [
        '> **Note:** prices include VAT.',
        '> Always.',
        '',
        '| Plan | Price |',
        '|------|------:|',
        '| Basic | $5 |',
        '| Pro | $10 |',
      ].join('\n'),
    );
    expect(doc.blocks).toEqual([
      { type: 'paragraph', text: 'Note: prices include VAT. Always.' },
      { type: 'table_row', text: 'Plan: Basic | Price: $5' },
      { type: 'table_row', text: 'Plan: Pro | Price: $10' },
    ]);
  });

  it('keeps an unclosed code fence as code to the end of the file', async () => {
    const doc = await parseMarkdown('Intro.\n\n~~~\n## still code\n');
    expect(doc.blocks).toEqual([
      { type: 'paragraph', text: 'Intro.' },
      { type: 'code', text: '## still code' },
    ]);
  });
});
