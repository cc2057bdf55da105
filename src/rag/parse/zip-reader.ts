import { inflateRawSync } from 'node:zlib';
import { invalidInput } from './errors.js';
import { partTooLarge, unpacksTooLarge, type ParseLimits } from './limits.js';
import { zipDirectory, zipEntryDataOffset, type ZipEntry } from './zip-entries.js';

const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x01;

/** An opened archive, as mammoth reads one (its `{ file }` input). */
export interface ZipArchive {
  exists(name: string): boolean;
  read(name: string): Promise<Uint8Array>;
  read(name: string, encoding: string): Promise<string>;
}

/**
 * Opens a ZIP archive (a Word document) to read its parts one by one, each only when asked for
 * (pictures, never asked for, are never inflated). What each part really unpacks to is counted
 * while it is inflated, whatever the directory claims, and inflating stops as soon as the part
 * passes `maxPartBytes` or all parts read pass `maxUnpackedBytes`: the read then fails with a
 * `payload_too_large` `AppError` that says which limit.
 *
 * Throws an `invalid_input` error when the archive has no readable central directory.
 */
export function openZipArchive(
  bytes: Uint8Array,
  fileName: string,
  limits: Pick<ParseLimits, 'maxPartBytes' | 'maxUnpackedBytes'>,
): ZipArchive {
  const directory = zipDirectory(bytes);
  if (!directory) {
    throw invalidInput(
      'not a readable Word document (its table of contents is missing: the file is cut short or damaged)',
      fileName,
    );
  }
  // A name listed twice: the later entry wins, as in the ZIP readers Word documents are made for.
  const entries = new Map(directory.map((entry) => [entry.name, entry]));
  let unpacked = 0;

  const inflate = (entry: ZipEntry): Uint8Array => {
    const budget = Math.min(limits.maxPartBytes, limits.maxUnpackedBytes - unpacked);
    const data = inflateEntry(bytes, entry, budget, fileName);
    if (data === undefined) {
      throw budget < limits.maxPartBytes
        ? unpacksTooLarge(fileName, limits.maxUnpackedBytes)
        : partTooLarge(fileName, entry.name, limits.maxPartBytes);
    }
    unpacked += data.length;
    return data;
  };

  function read(name: string): Promise<Uint8Array>;
  function read(name: string, encoding: string): Promise<string>;
  function read(name: string, encoding?: string): Promise<Uint8Array | string> {
    const entry = entries.get(name);
    if (!entry) return Promise.reject(new Error(`the archive has no part ${name}`));
    try {
      const data = inflate(entry);
      if (encoding === undefined) return Promise.resolve(data);
      if (encoding === 'base64') return Promise.resolve(Buffer.from(data).toString('base64'));
      return Promise.resolve(new TextDecoder(encoding).decode(data));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return { exists: (name) => entries.has(name), read };
}

/**
 * The bytes of `entry`, or `undefined` when they are more than `budget`: inflation stops at the
 * first block past it, so a part claiming 2 KB that would unpack to 2 GB costs `budget` at most.
 */
function inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: number,
  fileName: string,
): Uint8Array | undefined {
  if ((entry.flags & ENCRYPTED) !== 0) {
    throw invalidInput('the Word document is password-protected', fileName, undefined, 'protected');
  }
  const start = zipEntryDataOffset(bytes, entry);
  const end = start === undefined ? undefined : start + entry.compressedSize;
  if (start === undefined || end === undefined || end > bytes.length) {
    throw invalidInput(
      `not a readable Word document (its part ${entry.name} is cut short or damaged)`,
      fileName,
    );
  }
  const compressed = bytes.subarray(start, end);
  if (entry.method === STORED) return compressed.length > budget ? undefined : compressed;
  if (entry.method !== DEFLATED) {
    throw invalidInput(
      `not a readable Word document (its part ${entry.name} uses compression method ${entry.method})`,
      fileName,
    );
  }
  try {
    // `maxOutputLength` makes zlib give up as soon as its output passes the budget.
    const data = inflateRawSync(compressed, { maxOutputLength: Math.max(1, budget) });
    return data.length > budget ? undefined : data;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidInput(
      `not a readable Word document (its part ${entry.name} is damaged: ${reason})`,
      fileName,
      error,
    );
  }
}
