import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';

/** A real DOCX-shaped archive whose document inflates to `megabytes` of one repeated character. */
async function bomb(megabytes: number): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>');
  zip.file('word/document.xml', 'a'.repeat(megabytes * 1024 * 1024));
  return zip.generateAsync({
    type: 'uint8array',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
  });
}

describe('zip bombs disguised as Word documents', () => {
  it('are refused before anything is inflated, with a clear reason', async () => {
    const bytes = await bomb(40);
    expect(bytes.length).toBeLessThan(200 * 1024);
    const started = performance.now();
    await expect(parseFile(bytes, 'contract.docx')).rejects.toThrow(
      /the archive would unpack to 40 MB from \d+ KB: refused as a possible zip bomb/,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
