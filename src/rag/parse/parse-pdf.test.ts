import { describe, expect, it } from 'vitest';
import { makePdf } from '../../../test/helpers/documents.js';
import { parseFile } from './index.js';

const REFUND_SENTENCE = 'You can ask for a refund within 30 days of purchase. ';

function drawHelpArticle(doc: PDFKit.PDFDocument): void {
  doc.fontSize(24).text('Refunds and returns');
  doc.moveDown();
  doc.fontSize(11).text(REFUND_SENTENCE.repeat(5).trim());
  doc.moveDown();
  doc.text('Shipping costs are not refunded.');
  doc.addPage();
  doc.fontSize(16).text('Damaged items');
  doc.fontSize(11).text('Send us a photo and we replace the item.');
}

describe('parseFile on PDF', () => {
  it('extracts paragraphs and headings by font size, and the metadata title', async () => {
    const pdf = await makePdf(drawHelpArticle, { info: { Title: 'Refund policy' } });
    const [doc] = await parseFile(pdf, 'refunds.pdf');
    expect(doc).toEqual({
      key: '',
      title: 'Refund policy',
      format: 'pdf',
      blocks: [
        { type: 'heading', text: 'Refunds and returns', level: 1 },
        { type: 'paragraph', text: REFUND_SENTENCE.repeat(5).trim() },
        { type: 'paragraph', text: 'Shipping costs are not refunded.' },
        { type: 'heading', text: 'Damaged items', level: 2 },
        { type: 'paragraph', text: 'Send us a photo and we replace the item.' },
      ],
    });
  });

  it('takes the first heading for the title when the metadata has none', async () => {
    const [doc] = await parseFile(await makePdf(drawHelpArticle), 'refunds.pdf');
    expect(doc?.title).toBe('Refunds and returns');
  });

  it('refuses a password-protected PDF', async () => {
    const pdf = await makePdf(drawHelpArticle, { userPassword: 'secret', pdfVersion: '1.7' });
    await expect(parseFile(pdf, 'locked.pdf')).rejects.toMatchObject({
      name: 'AppError',
      code: 'invalid_input',
      message: 'the PDF is password-protected',
    });
  });

  it('refuses a truncated PDF as unreadable, giving the reason', async () => {
    const pdf = await makePdf(drawHelpArticle);
    const truncated = pdf.subarray(0, Math.floor(pdf.length / 2));
    await expect(parseFile(truncated, 'cut.pdf')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^not a readable PDF \(.+\)$/),
    });
  });

  it('refuses garbage that only starts like a PDF', async () => {
    const bytes = new TextEncoder().encode(`%PDF-1.4\n${'garbage '.repeat(50)}`);
    await expect(parseFile(bytes, 'fake.pdf')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^not a readable PDF \(/),
    });
  });

  it('refuses a PDF without text, such as a scan', async () => {
    const pdf = await makePdf((doc) => doc.rect(50, 50, 200, 300).fill('#888888'));
    await expect(parseFile(pdf, 'scan.pdf')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'the PDF has no extractable text',
    });
  });

  it('refuses a PDF with more pages than the limit, before reading them', async () => {
    const pdf = await makePdf(drawHelpArticle);
    await expect(parseFile(pdf, 'refunds.pdf', { limits: { maxPdfPages: 1 } })).rejects.toEqual(
      expect.objectContaining({
        code: 'payload_too_large',
        message: 'it has 2 pages, more than the 1 this service reads from one PDF',
      }),
    );
  });

  it('refuses a PDF whose text is longer than the limit', async () => {
    const pdf = await makePdf(drawHelpArticle);
    await expect(parseFile(pdf, 'refunds.pdf', { limits: { maxTextChars: 200 } })).rejects.toEqual(
      expect.objectContaining({
        code: 'payload_too_large',
        message: 'its text is larger than the 200 bytes this service reads from one file',
      }),
    );
    const [doc] = await parseFile(pdf, 'refunds.pdf', { limits: { maxTextChars: 400 } });
    expect(doc?.blocks).toHaveLength(5);
  });

  it('stops when the signal aborts', async () => {
    const pdf = await makePdf(drawHelpArticle);
    const controller = new AbortController();
    const parsing = parseFile(pdf, 'refunds.pdf', { signal: controller.signal });
    controller.abort();
    await expect(parsing).rejects.toMatchObject({ code: 'cancelled' });
  });
});
