import { HeadingLevel, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import { makeDocx } from '../../../test/helpers/documents.js';
import { parseFile } from './index.js';

const cell = (text: string): TableCell => new TableCell({ children: [new Paragraph(text)] });

describe('parseFile on Word documents', () => {
  it('reads headings, paragraphs, bullet lists and tables', async () => {
    const docx = await makeDocx([
      new Paragraph({ text: 'Account settings', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({
        children: [
          new TextRun('Change your '),
          new TextRun({ text: 'password', bold: true }),
          new TextRun(' from the profile page.'),
        ],
      }),
      new Paragraph({ text: 'Two-factor', heading: HeadingLevel.HEADING_2 }),
      new Paragraph({ text: 'Install an authenticator app', bullet: { level: 0 } }),
      new Paragraph({ text: 'Scan the QR code', bullet: { level: 0 } }),
      new Table({ rows: [new TableRow({ children: [cell('Plan'), cell('Price')] })] }),
    ]);
    const [doc] = await parseFile(docx, 'settings.docx');
    expect(doc).toEqual({
      key: '',
      title: 'Account settings',
      format: 'docx',
      blocks: [
        { type: 'heading', text: 'Account settings', level: 1 },
        { type: 'paragraph', text: 'Change your password from the profile page.' },
        { type: 'heading', text: 'Two-factor', level: 2 },
        { type: 'list_item', text: 'Install an authenticator app' },
        { type: 'list_item', text: 'Scan the QR code' },
        { type: 'table_row', text: 'Plan | Price' },
      ],
    });
  });

  it('uses the file name as the title when there is no heading', async () => {
    const [doc] = await parseFile(await makeDocx([new Paragraph('Just text.')]), 'memo.docx');
    expect(doc?.title).toBe('memo');
  });

  it('refuses a document without any text', async () => {
    await expect(parseFile(await makeDocx([]), 'blank.docx')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'the Word document has no text',
    });
  });

  it('refuses a damaged Word document as unreadable, giving the reason', async () => {
    const docx = await makeDocx([new Paragraph('Some text.')]);
    const truncated = docx.subarray(0, Math.floor(docx.length * 0.8));
    await expect(parseFile(truncated, 'broken.docx')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^not a readable Word document \(.+\)$/),
    });
  });
});
