/**
 * Pictures, told by their first bytes: no text is read from them, and whoever sent one is told
 * so in those words, not that it "looks like binary data".
 */

/** Byte signatures of picture formats a phone or a screenshot tool makes. */
const IMAGE_SIGNATURES: ReadonlyArray<{ offset: number; bytes: readonly number[] }> = [
  { offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // PNG
  { offset: 0, bytes: [0xff, 0xd8, 0xff] }, // JPEG
  { offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] }, // GIF8
  { offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] }, // RIFF….WEBP
  { offset: 0, bytes: [0x42, 0x4d] }, // BMP
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] }, // TIFF, little-endian
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // TIFF, big-endian
];
/** ISO media brands of still pictures (HEIC from phones, AVIF), after `ftyp` at byte 4. */
const IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);

/** Whether `data` is a picture, by its first bytes. */
export function isImage(data: Uint8Array): boolean {
  const at = (offset: number, bytes: readonly number[]) =>
    bytes.every((b, i) => data[offset + i] === b);
  if (IMAGE_SIGNATURES.some((s) => at(s.offset, s.bytes))) {
    // "BM" is also how a text file may begin: a bitmap also says its own size next.
    return !at(0, [0x42, 0x4d]) || bitmapSize(data) === data.length;
  }
  if (data.length >= 12 && at(4, [0x66, 0x74, 0x79, 0x70])) {
    return IMAGE_BRANDS.has(String.fromCharCode(...data.subarray(8, 12)));
  }
  return false;
}

/** The file size a BMP header states (bytes 2–5, little-endian). */
function bitmapSize(data: Uint8Array): number {
  return data.length < 6
    ? -1
    : (data[2] ?? 0) | ((data[3] ?? 0) << 8) | ((data[4] ?? 0) << 16) | ((data[5] ?? 0) * 2 ** 24);
}
