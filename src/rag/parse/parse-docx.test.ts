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

  it('refuses a Word document whose text is longer than the limit', async () => {
    const docx = await makeDocx([new Paragraph('Some text. '.repeat(20))]);
    await expect(parseFile(docx, 'long.docx', { limits: { maxTextChars: 100 } })).rejects.toEqual(
      expect.objectContaining({
        code: 'payload_too_large',
        message: 'its text is larger than the 100 bytes this service reads from one file',
      }),
    );
  });

  it('refuses a Word document whose parts unpack to more than the limits, whatever it claims', async () => {
    const docx = await makeDocx([new Paragraph('Some text. '.repeat(200))]);
    await expect(
      parseFile(docx, 'memo.docx', { limits: { maxPartBytes: 2048 } }),
    ).rejects.toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(
        /^its part [\w/.[\]]+ unpacks to more than the 2 KB this service unpacks from one part of a file$/,
      ),
    });
    await expect(
      parseFile(docx, 'memo.docx', { limits: { maxUnpackedBytes: 8192 } }),
    ).rejects.toMatchObject({
      code: 'payload_too_large',
      message: 'it unpacks to more than the 8 KB this service unpacks from one file',
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
