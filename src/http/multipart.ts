import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { safeFileName } from './body.js';

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
  files: Array<{ name: string; data: Uint8Array }>;
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
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxFiles,
        // A little room past the known fields, so an unknown one is named rather than counted.
        fields: limits.fields.length + 5,
        fieldSize: 200_000,
        parts: limits.maxFiles + limits.fields.length + 5,
      },
    })) {
      if (part.type === 'field') {
        if (!limits.fields.includes(part.fieldname)) {
          throw new AppError(
            'invalid_input',
            `Unknown form field "${part.fieldname.slice(0, 64)}"`,
          );
        }
        // Which of two would count is a guess the client should not have to make.
        if (Object.hasOwn(body.fields, part.fieldname)) {
          throw new AppError(
            'invalid_input',
            `The form field "${part.fieldname}" is given twice: send it once.`,
          );
        }
        if (part.valueTruncated) {
          throw new AppError('payload_too_large', `The form field "${part.fieldname}" is too long`);
        }
        const value = String(part.value);
        // The form's text is decoded with replacement characters where its bytes are not UTF-8;
        // kept, they would be stored as the customer's words. A JSON body with such bytes is
        // refused the same way (see body.ts).
        if (value.includes('\uFFFD')) {
          throw new AppError(
            'invalid_input',
            `The form field "${part.fieldname}" is not valid UTF-8 text (or holds the replacement character U+FFFD).`,
          );
        }
        body.fields[part.fieldname] = value;
        continue;
      }
      const data = await part.toBuffer();
      total += data.length;
      if (total > limits.maxTotalBytes) {
        throw new AppError(
          'payload_too_large',
          `The files of one ${limits.per ?? 'message'} may total ${formatBytes(limits.maxTotalBytes)}; these are larger.`,
        );
      }
      body.files.push({ name: safeFileName(part.filename), data: new Uint8Array(data) });
    }
  } catch (error) {
    throw multipartError(error, limits);
  }
  return body;
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
      return new AppError(
        'payload_too_large',
        `At most ${limits.maxFiles} files per ${limits.per ?? 'message'}.`,
      );
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
