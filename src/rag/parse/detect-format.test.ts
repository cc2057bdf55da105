import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A real ZIP archive (stored, no compression) holding `files`. */
function zip(files: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

function errorOf(run: () => unknown): { code?: unknown; message?: unknown } {
  try {
    run();
  } catch (error) {
    return error as { code?: unknown; message?: unknown };
  }
  throw new Error('expected an error');
}

describe('detectFormat', () => {
  it('recognises a PDF by its magic bytes, whatever its name', () => {
    expect(detectFormat(utf8('%PDF-1.7\n...'), 'manual.txt')).toBe('pdf');
  });

  it('recognises a Word document as a ZIP holding word/document.xml', () => {
    const docx = zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    expect(detectFormat(docx, 'guide.bin')).toBe('docx');
  });

  it('refuses other ZIP archives such as a plain zip or a spreadsheet', () => {
    for (const archive of [
      zip({ 'readme.txt': 'hello' }),
      zip({ 'xl/workbook.xml': '<workbook/>' }),
    ]) {
      expect(errorOf(() => detectFormat(archive, 'export.docx'))).toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining('a ZIP archive that is not a Word document'),
      });
    }
  });

  it('refuses binary content named like a text file', () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    // No NUL byte at all, but mostly invalid UTF-8.
    const highBytes = new Uint8Array(4096).map((_, i) => 0x80 + ((i * 37) % 128));
    for (const bytes of [random, highBytes]) {
      expect(errorOf(() => detectFormat(bytes, 'notes.md'))).toMatchObject({
        code: 'invalid_input',
        message: 'looks like binary data, not text (named "notes.md")',
      });
    }
  });

  it('refuses a picture as a picture, whatever its name', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
    for (const bytes of [png, jpeg]) {
      expect(errorOf(() => detectFormat(bytes, 'notes.md'))).toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(
          /^a picture \(named "notes.md"\): no text is read from images/,
        ),
        details: { fileName: 'notes.md', problem: 'image' },
      });
    }
  });

  it('refuses old binary Word files with a hint to save them as .docx', () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(errorOf(() => detectFormat(ole, 'policy.doc')).message).toMatch(/save it as \.docx/);
  });

  it('says an empty or blank file is empty', () => {
    for (const bytes of [new Uint8Array(0), utf8('  \n\t\n  ')]) {
      expect(errorOf(() => detectFormat(bytes, 'a.md'))).toMatchObject({
        code: 'invalid_input',
        message: 'the file is empty',
      });
    }
  });

  it('tells FAQ JSON and BEIR JSON Lines apart by their content', () => {
    const faq = JSON.stringify([{ question: 'How?', answer: 'Like this.' }]);
    const beir = '{"_id":"d1","title":"T","text":"Body"}\n{"_id":"d2","text":"More"}\n';
    expect(detectFormat(utf8(faq), 'faq.json')).toBe('faq_json');
    expect(detectFormat(utf8(faq), 'faq.txt')).toBe('faq_json');
    expect(detectFormat(utf8(beir), 'corpus.jsonl')).toBe('beir_jsonl');
    expect(detectFormat(utf8(beir), 'corpus.json')).toBe('beir_jsonl');
  });

  it('says what shape a .json file should have when it is not FAQ JSON', () => {
    const error = errorOf(() => detectFormat(utf8('{"settings": {"a": 1}}'), 'settings.json'));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('an array of {question, answer, url?}');
  });

  it('detects HTML from its content even with another extension', () => {
    expect(detectFormat(utf8('<!DOCTYPE html><html><body>Hi</body></html>'), 'page.txt')).toBe(
      'html',
    );
    expect(detectFormat(utf8('<div><p>Hello</p><p>World</p></div>'), 'snippet')).toBe('html');
  });

  it('keeps a Markdown file that starts with an HTML tag Markdown', () => {
    const readme = '<div align="center"><img src="logo.png"></div>\n\n# Project\n\nText.';
    expect(detectFormat(utf8(readme), 'README.md')).toBe('markdown');
  });

  it('uses the extension only to choose between text formats', () => {
    expect(detectFormat(utf8('question,answer\nHow?,So.\n'), 'faq.csv')).toBe('csv');
    expect(detectFormat(utf8('Just some words.'), 'notes.md')).toBe('markdown');
    expect(detectFormat(utf8('# Setup\n\nRun it.'), 'setup.txt')).toBe('markdown');
    expect(detectFormat(utf8('Just some words.\n\nAnd more.'), 'notes.txt')).toBe('text');
  });

  it('accepts a UTF-8 byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('# Title\n\nBody')]);
    expect(detectFormat(bytes, 'a.md')).toBe('markdown');
  });
});
