/**
 * The media type of an attached file, told by its bytes, never by its name or by what the
 * client declared: the name is the customer's to choose, and a file named `photo.png` may be a
 * web page. What staff are shown of a file, and what a download of it is served as, follows
 * from this alone.
 */

/** Signatures of the types told apart, at the start of the file unless an offset is given. */
const SIGNATURES: ReadonlyArray<{ type: string; offset?: number; bytes: readonly number[] }> = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  {
    type: 'application/x-ole-storage',
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  },
];

/** ISO media brands of still pictures, after `ftyp` at byte 4. */
const BRANDS: ReadonlyMap<string, string> = new Map([
  ['heic', 'image/heic'],
  ['heix', 'image/heic'],
  ['heim', 'image/heic'],
  ['heis', 'image/heic'],
  ['mif1', 'image/heif'],
  ['msf1', 'image/heif'],
  ['avif', 'image/avif'],
  ['avis', 'image/avif'],
]);

/**
 * The picture types a browser only ever shows as a picture: a download of one of these is
 * served as what it is, so that staff can look at it; every other type is served as
 * `application/octet-stream`, since an SVG, an HTML page or a PDF can run script.
 */
export const SHOWN_PICTURE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** The bytes looked at to tell text from binary data: the start is enough to tell. */
const TEXT_SAMPLE = 4096;

/**
 * The media type of `data` by its content: a picture, PDF, Word, Excel or PowerPoint document,
 * other ZIP archive or old Office file by its signature, `text/plain` for text, and
 * `application/octet-stream` for anything else.
 *
 * @example
 * sniffMediaType(new TextEncoder().encode('<html><script>…')); // 'text/plain'
 */
export function sniffMediaType(data: Uint8Array): string {
  const at = (offset: number, bytes: readonly number[]) =>
    data.length >= offset + bytes.length && bytes.every((b, i) => data[offset + i] === b);
  for (const signature of SIGNATURES) {
    if (at(signature.offset ?? 0, signature.bytes)) {
      return signature.type === 'application/zip'
        ? (officeType(data) ?? signature.type)
        : signature.type;
    }
  }
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  if (data.length >= 12 && at(4, [0x66, 0x74, 0x79, 0x70])) {
    const brand = BRANDS.get(String.fromCharCode(...data.subarray(8, 12)));
    if (brand !== undefined) return brand;
  }
  if (data.length > 0 && looksLikeText(data.subarray(0, TEXT_SAMPLE))) return 'text/plain';
  return 'application/octet-stream';
}

/** Whether a sample decodes as UTF-8 (a character cut at its end aside) with no NUL in it. */
function looksLikeText(sample: Uint8Array): boolean {
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Office documents (DOCX, XLSX, PPTX) are ZIP archives holding `[Content_Types].xml` and a
 * folder named for the application: `word/`, `xl/` or `ppt/`. The names are read from the
 * archive's central directory at its end; nothing is decompressed.
 */
const OFFICE_FOLDERS: ReadonlyArray<[string, string]> = [
  ['word/', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
];

/** Entries read at most: an Office document has tens; a directory of millions is not one. */
const MAX_ZIP_ENTRIES = 10_000;

/** The Office type of a ZIP archive by the names of its entries, or `undefined`. */
function officeType(data: Uint8Array): string | undefined {
  const names = zipEntryNames(data);
  if (!names.includes('[Content_Types].xml')) return undefined;
  return OFFICE_FOLDERS.find(([folder]) => names.some((name) => name.startsWith(folder)))?.[1];
}

/**
 * The names in a ZIP archive's central directory, found through its end record (in the last
 * 64 KiB and 22 bytes, after the archive comment); none for an archive cut short or malformed.
 */
function zipEntryNames(data: Uint8Array): string[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (offset: number) => view.getUint16(offset, true);
  const u32 = (offset: number) => view.getUint32(offset, true);
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (u32(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return [];
  const count = Math.min(u16(end + 10), MAX_ZIP_ENTRIES);
  let offset = u32(end + 16);
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > data.length || u32(offset) !== 0x02014b50) break;
    const nameLength = u16(offset + 28);
    const start = offset + 46;
    if (start + nameLength > data.length) break;
    names.push(decoder.decode(data.subarray(start, start + nameLength)));
    offset = start + nameLength + u16(offset + 30) + u16(offset + 32);
  }
  return names;
}
