import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { safeFileName, usableFileName } from './body.js';

/** Limits of one multipart request. */
export interface MultipartLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
  /** Text fields that may appear; any other field is refused. */
  fields: readonly string[];
  /**
   * What one request is to its sender, named in the messages of the limits ("At most 20 files
   * per upload."): `message` (the default) for a customer's message, `upload` for an upload.
   */
  per?: string;
}

/** What a multipart request carried. */
export interface MultipartBody {
  fields: Record<string, string>;
  /** `unnamed`: the file came with no name that is left once made safe (see `usableFileName`). */
  files: Array<{ name: string; data: Uint8Array; unnamed?: true }>;
}

/**
 * Reads a whole multipart request within its limits. Each file is bounded while it streams (a
 * file over the limit is refused without being buffered whole), file names are reduced to safe
 * labels, and unknown fields, and a field given twice, are refused by name.
 */
export async function readMultipart(
  request: FastifyRequest,
  limits: MultipartLimits,
): Promise<MultipartBody> {
  const body: MultipartBody = { fields: {}, files: [] };
  let total = 0;
  try {
    for await (const part of request.parts({
      // A known text field without a file name comes as its bytes, as a file does, and is
      // decoded here as strict UTF-8 (see `fieldText`): the parser would decode it by the
      // charset its part names, if any, with U+FFFD for bytes that are not of it, which could
      // then not be told from a U+FFFD the customer wrote.
      isPartAFile: (
        name: string | undefined,
        type: string | undefined,
        fileName: string | undefined,
      ) =>
        fileName !== undefined ||
        type === 'application/octet-stream' ||
        (name !== undefined && limits.fields.includes(name)),
      limits: {
        fileSize: limits.maxFileBytes,
        // The known text fields are counted with the files; the files alone are counted below.
        files: limits.maxFiles + limits.fields.length,
        // A little room past the known fields, so an unknown one is named rather than counted.
        fields: 5,
        fieldSize: MAX_FIELD_BYTES,
        parts: limits.maxFiles + limits.fields.length + 5,
      },
    })) {
      // Every known field comes as bytes (above): a field the parser read is not one of them.
      if (part.type === 'field') {
        throw new AppError('invalid_input', `Unknown form field "${part.fieldname.slice(0, 64)}"`);
      }
      if (part.filename === undefined && limits.fields.includes(part.fieldname)) {
        // Which of two would count is a guess the client should not have to make.
        if (Object.hasOwn(body.fields, part.fieldname)) {
          throw new AppError(
            'invalid_input',
            `The form field "${part.fieldname}" is given twice: send it once.`,
          );
        }
        body.fields[part.fieldname] = fieldText(part.fieldname, await fieldBytes(part));
        continue;
      }
      if (body.files.length === limits.maxFiles) throw tooManyFiles(limits);
      const data = await part.toBuffer();
      total += data.length;
      if (total > limits.maxTotalBytes) {
        throw new AppError(
          'payload_too_large',
          `The files of one ${limits.per ?? 'message'} may total ${formatBytes(limits.maxTotalBytes)}; these are larger.`,
        );
      }
      const name = safeFileName(part.filename);
      body.files.push({
        name,
        data: new Uint8Array(data),
        ...(usableFileName(part.filename) === undefined ? { unnamed: true as const } : {}),
      });
    }
  } catch (error) {
    throw multipartError(error, limits);
  }
  return body;
}

/** The most bytes a text field may hold: room for the longest message in any script. */
const MAX_FIELD_BYTES = 200_000;

/** The bytes of a text field, read up to {@link MAX_FIELD_BYTES}. */
async function fieldBytes(part: {
  fieldname: string;
  file: AsyncIterable<Buffer>;
}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.file) {
    size += chunk.length;
    if (size > MAX_FIELD_BYTES) {
      throw new AppError('payload_too_large', `The form field "${part.fieldname}" is too long`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A text field's bytes as text: UTF-8 that must be valid, whatever charset its part names, so
 * that a literal U+FFFD is kept as sent and bytes that are not UTF-8 are refused rather than
 * stored as replacement characters (a JSON body is held to the same, see body.ts).
 */
function fieldText(name: string, bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw fieldNotText(name);
  }
}

function fieldNotText(name: string): AppError {
  return new AppError(
    'invalid_input',
    `The form field "${name}" is not valid UTF-8 text: send it as UTF-8.`,
  );
}

function tooManyFiles(limits: MultipartLimits): AppError {
  return new AppError(
    'payload_too_large',
    `At most ${limits.maxFiles} files per ${limits.per ?? 'message'}.`,
  );
}

function multipartError(error: unknown, limits: MultipartLimits): unknown {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError(
        'payload_too_large',
        `A file is larger than the limit of ${formatBytes(limits.maxFileBytes)} per file.`,
      );
    case 'FST_FILES_LIMIT':
      return tooManyFiles(limits);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('invalid_input', 'The form has too many fields.');
    case 'FST_PROTO_VIOLATION':
      return new AppError('invalid_input', 'The form has a forbidden field name.');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type', 'The request is not multipart/form-data.');
    default:
      if (error instanceof Error && /multipart|boundary|Unexpected end/i.test(error.message)) {
        return new AppError('invalid_input', 'The multipart body is malformed or incomplete.');
      }
      return error;
  }
}

/** "10 MB", "512 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_048_576) return `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
