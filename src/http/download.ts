import type { FastifyReply } from 'fastify';
import { SHOWN_PICTURE_TYPES } from '../tools/index.js';

/**
 * A customer's file, served to the staff as a download. Its bytes are the customer's: an HTML
 * page or an SVG picture named `receipt.png` must never run as a page of the API's origin, where
 * the staff's admin key is used. So: a download (`Content-Disposition: attachment`), a type a
 * browser cannot run (`application/octet-stream`, but for the plain picture types, told by
 * the bytes), no sniffing, and a sandbox should it be opened anyway.
 */
export function sendDownload(
  reply: FastifyReply,
  file: { name: string; data: Uint8Array; mediaType: string },
): FastifyReply {
  const type = SHOWN_PICTURE_TYPES.has(file.mediaType)
    ? file.mediaType
    : 'application/octet-stream';
  return reply
    .header('content-type', type)
    .header('content-disposition', contentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'; frame-ancestors 'none'")
    .send(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength));
}

/**
 * `attachment` with the file's name twice (RFC 6266): `filename*`, percent-encoded UTF-8, which
 * browsers prefer, and `filename`, printable ASCII only, with quotes, backslashes and the like
 * replaced, for those that do not read the other. No character of the name can end the header or
 * add a parameter of its own.
 *
 * @example
 * contentDisposition('reçu "mai".pdf');
 * // `attachment; filename="re_u _mai_.pdf"; filename*=UTF-8''re%C3%A7u%20%22mai%22.pdf`
 */
export function contentDisposition(name: string): string {
  const whole = name.replace(LONE_SURROGATE, '\uFFFD');
  const ascii = whole.replace(/[^\x20-\x7e]|["\\%;]/g, '_').trim() || 'attachment';
  const encoded = encodeURIComponent(whole).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Half of a surrogate pair without its other half: `encodeURIComponent` throws on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
