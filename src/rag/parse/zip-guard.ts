import { invalidInput } from './errors.js';
import { zipDirectory } from './zip-entries.js';

/** Most a Word document's directory may claim its entries inflate to, images included. */
export const MAX_INFLATED_BYTES = 200 * 1024 * 1024;
/** Past this size, an archive inflating more than this many times its size is a zip bomb. */
const SUSPICIOUS_INFLATED_BYTES = 20 * 1024 * 1024;
const MAX_RATIO = 100;

/**
 * Refuses a ZIP archive (a DOCX) whose central directory declares more inflated data than a
 * document can sensibly hold, before anything is inflated: a few kilobytes can otherwise unpack
 * into gigabytes. This is only the quick refusal of an archive that is honest about its size:
 * the directory's sizes are the archive's own claims, so what is actually inflated is bounded
 * while inflating (see `openZipArchive`). An archive without a readable central directory is left
 * to the parser.
 */
export function assertNotZipBomb(bytes: Uint8Array, fileName: string): void {
  const entries = zipDirectory(bytes);
  if (!entries) return;
  const inflated = entries.reduce((sum, entry) => sum + entry.claimedSize, 0);
  const tooBig = inflated > MAX_INFLATED_BYTES;
  const bomb = inflated > SUSPICIOUS_INFLATED_BYTES && inflated / bytes.length > MAX_RATIO;
  if (tooBig || bomb) {
    const mb =
      inflated >= 0xffffffff ? 'more than 4 GB' : `${Math.round(inflated / 1024 / 1024)} MB`;
    throw invalidInput(
      `the archive would unpack to ${mb} from ${Math.ceil(bytes.length / 1024)} KB: refused as a possible zip bomb`,
      fileName,
    );
  }
}
