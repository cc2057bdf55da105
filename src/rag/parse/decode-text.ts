import { invalidInput } from './errors.js';

/** How much of the start of a file is inspected to tell text from binary data. */
const SAMPLE_BYTES = 8192;
/** Share of control characters above which the content is taken for binary data. */
const MAX_SUSPICIOUS_SHARE = 0.1;
/** Share of bytes above 0x7F above which content that is not UTF-8 is taken for binary data. */
const MAX_HIGH_BYTE_SHARE = 0.3;

/**
 * Decodes a text file: UTF-8 (a BOM is fine), UTF-16 with a BOM, and, when the start of the
 * file is not valid UTF-8, Windows-1252: the usual encoding of "plain text" saved by older
 * Windows tools, which would otherwise come out full of `�`. Line endings become `\n`.
 *
 * Throws an `invalid_input` error when the content looks like binary data.
 */
export function decodeText(bytes: Uint8Array, fileName: string): string {
  const utf16 = utf16Encoding(bytes);
  const text = utf16
    ? decodeUtf16(bytes, utf16, fileName)
    : decodeSingleByteOrUtf8(bytes, fileName);
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

function decodeUtf16(bytes: Uint8Array, encoding: string, fileName: string): string {
  const text = new TextDecoder(encoding).decode(bytes);
  // UTF-16 text is full of NUL bytes, so it is judged on its characters instead.
  if (suspiciousShare(text.slice(0, SAMPLE_BYTES)) > MAX_SUSPICIOUS_SHARE) {
    throw binaryError(fileName);
  }
  return text;
}

function decodeSingleByteOrUtf8(bytes: Uint8Array, fileName: string): string {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  if (sample.includes(0)) throw binaryError(fileName);
  const sampleText = decodeUtf8(sample);
  if (sampleText !== undefined) {
    if (suspiciousShare(sampleText) > MAX_SUSPICIOUS_SHARE) throw binaryError(fileName);
    // A stray invalid byte further on is not worth re-reading the whole file differently.
    return new TextDecoder('utf-8').decode(bytes);
  }
  // Not UTF-8. Western single-byte text has few bytes above 0x7F, spread among ASCII letters;
  // binary data has about half of them, and control bytes.
  let high = 0;
  for (const byte of sample) if (byte >= 0x80) high++;
  if (high / sample.length > MAX_HIGH_BYTE_SHARE) throw binaryError(fileName);
  const text = decodeWindows1252(bytes);
  if (suspiciousShare(text.slice(0, SAMPLE_BYTES)) > MAX_SUSPICIOUS_SHARE) {
    throw binaryError(fileName);
  }
  return text;
}

/** The sample decoded as UTF-8, or `undefined` when it is not valid UTF-8. */
function decodeUtf8(sample: Uint8Array): string | undefined {
  try {
    // `stream: true` tolerates a multi-byte character cut at the end of the sample.
    return new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return undefined;
  }
}

/**
 * Windows-1252 is Latin-1 except for 0x80-0x9F (`€`, curly quotes, dashes…). It is decoded here
 * because some Node versions' `TextDecoder('windows-1252')` decodes plain Latin-1 instead.
 */
const WINDOWS_1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021' + // 0x80-0x87
  '\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' + // 0x88-0x8F
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014' + // 0x90-0x97
  '\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178'; // 0x98-0x9F

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const step = 0x2000;
  for (let start = 0; start < bytes.length; start += step) {
    const codes = Array.from(bytes.subarray(start, start + step), (byte) =>
      byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH.charCodeAt(byte - 0x80) : byte,
    );
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/** The share of control characters other than tab, LF, FF and CR (C1 controls included). */
function suspiciousShare(text: string): number {
  if (text.length === 0) return 0;
  let suspicious = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const c0 = code < 32 && code !== 9 && code !== 10 && code !== 12 && code !== 13;
    if (c0 || (code >= 0x7f && code <= 0x9f)) suspicious++;
  }
  return suspicious / text.length;
}

function binaryError(fileName: string) {
  return invalidInput(
    `looks like binary data, not text (named "${fileName}")`,
    fileName,
    undefined,
    'unsupported',
  );
}
