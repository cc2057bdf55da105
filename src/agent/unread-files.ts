import type { AttachmentSummary } from '../tools/index.js';

/** At most this many files are named one by one; the rest are counted. */
const MAX_NAMED = 3;
const MAX_NAME_CHARS = 80;

/**
 * What the customer is told of the files they attached that could not be read, one sentence a
 * file, saying why in their terms and what they can do instead; `''` when every file was read.
 * The reason for the people who run the service (`error`) is for the log, never the reply.
 *
 * @example
 * unreadNotice([{ name: 'photo.jpg', ok: false, preview: '', chunks: 0, problem: 'image' }]);
 * // "I can't look at pictures, so I couldn't see photo.jpg. Please describe in words what it shows."
 */
export function unreadNotice(files: readonly AttachmentSummary[]): string {
  const unread = files.filter((f) => !f.ok);
  if (unread.length === 0) return '';
  const sentences = unread.slice(0, MAX_NAMED).map((f) => sentenceFor(shortName(f.name), f));
  const more = unread.length - MAX_NAMED;
  if (more > 0) sentences.push(`I couldn't read ${more} more ${more === 1 ? 'file' : 'files'}.`);
  return sentences.join(' ');
}

function sentenceFor(name: string, file: AttachmentSummary): string {
  switch (file.problem) {
    case 'image':
      return `I can't look at pictures, so I couldn't see ${name}. Please describe in words what it shows.`;
    case 'unsupported':
      return `I couldn't read ${name}: I can read PDF, Word (.docx), text, Markdown, HTML and CSV files.`;
    case 'empty':
      return `I couldn't find any text in ${name}. If it is a scan or a photo of a page, please type what it says.`;
    case 'protected':
      return `${name} is protected by a password, so I couldn't open it.`;
    case 'damaged':
      return `I couldn't read ${name}: the file seems to be damaged.`;
    case 'too_large':
      return `${name} is too large for me to read.`;
    case 'too_slow':
      return `I couldn't finish reading ${name} in time.`;
    default:
      return `Something went wrong while I was reading ${name}.`;
  }
}

function shortName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim() || 'a file';
  return clean.length <= MAX_NAME_CHARS ? clean : `${clean.slice(0, MAX_NAME_CHARS - 1)}…`;
}
