import { crc32, deflateRawSync } from 'node:zlib';
import { HeadingLevel, Paragraph } from 'docx';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { makeDocx } from '../../../test/helpers/documents.js';
import { parseFile } from './index.js';

/**
 * The same files as a ZIP64 archive, as some writers make even small ones: every size and
 * offset in the directory is 0xFFFFFFFF, with the real values in a ZIP64 extra field, and the
 * end record points to a ZIP64 end record.
 */
async function asZip64(docx: Uint8Array): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(docx);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, file] of Object.entries(zip.files)) {
    if (file.dir) continue;
    const data = Buffer.from(await file.async('uint8array'));
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(data.length), 4);
    extra.writeBigUInt64LE(BigInt(packed.length), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(45, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(0xffffffff, 20);
    central.writeUInt32LE(0xffffffff, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(0xffffffff, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes, extra);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const count = BigInt(Object.values(zip.files).filter((f) => !f.dir).length);
  const zip64End = Buffer.alloc(56);
  zip64End.writeUInt32LE(0x06064b50, 0);
  zip64End.writeBigUInt64LE(44n, 4);
  zip64End.writeBigUInt64LE(count, 24);
  zip64End.writeBigUInt64LE(count, 32);
  zip64End.writeBigUInt64LE(BigInt(directory.length), 40);
  zip64End.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, zip64End, locator, end]));
}

describe('reading a Word document’s archive', () => {
  it('reads one written as ZIP64 exactly as the same document written plainly', async () => {
    const docx = await makeDocx([
      new Paragraph({ text: 'Returns', heading: HeadingLevel.HEADING_1 }),
      new Paragraph('Send the parcel back within 30 days.'),
    ]);
    const [plain] = await parseFile(docx, 'returns.docx');
    const [zip64] = await parseFile(await asZip64(docx), 'returns.docx');
    expect(zip64).toEqual(plain);
    expect(plain?.blocks).toEqual([
      { type: 'heading', text: 'Returns', level: 1 },
      { type: 'paragraph', text: 'Send the parcel back within 30 days.' },
    ]);
  });
});
