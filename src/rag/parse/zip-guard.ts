import { invalidInput } from './errors.js';

/** Most a Word document may hold once inflated. */
export const MAX_INFLATED_BYTES = 200 * 1024 * 1024;
/** Past this size, an archive inflating more than this many times its size is a zip bomb. */
const SUSPICIOUS_INFLATED_BYTES = 20 * 1024 * 1024;
const MAX_RATIO = 100;

const EOCD = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;

/**
 * Refuses a ZIP archive (a DOCX) whose central directory declares more inflated data than a
 * document can sensibly hold, before anything is inflated: a few kilobytes can otherwise unpack
 * into gigabytes. An archive without a readable central directory is left to the parser.
 */
export function assertNotZipBomb(bytes: Uint8Array, fileName: string): void {
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (data.getUint32(i, true) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) return;
  const entries = data.getUint16(end + 10, true);
  let offset = data.getUint32(end + 16, true);
  let inflated = 0;
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > bytes.length || data.getUint32(offset, true) !== CENTRAL_HEADER) return;
    const size = data.getUint32(offset + 24, true);
    // 0xFFFFFFFF means the real size is in a ZIP64 record: more than a document needs anyway.
    inflated += size === 0xffffffff ? Number.POSITIVE_INFINITY : size;
    offset +=
      46 +
      data.getUint16(offset + 28, true) +
      data.getUint16(offset + 30, true) +
      data.getUint16(offset + 32, true);
  }
  const tooBig = inflated > MAX_INFLATED_BYTES;
  const bomb = inflated > SUSPICIOUS_INFLATED_BYTES && inflated / bytes.length > MAX_RATIO;
  if (tooBig || bomb) {
    const mb = Number.isFinite(inflated)
      ? `${Math.round(inflated / 1024 / 1024)} MB`
      : 'more than 4 GB';
    throw invalidInput(
      `the archive would unpack to ${mb} from ${Math.ceil(bytes.length / 1024)} KB: refused as a possible zip bomb`,
      fileName,
    );
  }
}
