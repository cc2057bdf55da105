/**
 * What a customer (or a language model) is shown of where a passage came from: a web address
 * as it is, a file by its own name only. The knowledge base keeps the path a file was ingested
 * from ("/srv/help-center/returns.md") to notice changes; that path says how the server's disks
 * are laid out and is no business of a customer's.
 *
 * @example
 * shownSource('/srv/help-center/returns.md'); // 'returns.md'
 * shownSource('C:\\help\\faq.json'); // 'faq.json'
 * shownSource('https://help.example.com/returns'); // 'https://help.example.com/returns'
 */
export function shownSource(source: string): string {
  if (/^https?:\/\//i.test(source)) return source;
  const file = attachedFileName(source);
  if (file !== undefined) return file;
  const parts = source.split(/[\\/]/);
  return parts.at(-1) || source;
}

/** Where the attachments tool keeps the passages of a customer's file: `attachment:<name>`. */
const ATTACHMENT_SOURCE = 'attachment:';

/**
 * The name of the customer's file a passage was read from (`attachment:<name>`), as they sent
 * it; undefined for the help center's passages.
 *
 * @example
 * attachedFileName('attachment:invoice.pdf'); // 'invoice.pdf'
 */
export function attachedFileName(source: string): string | undefined {
  return source.startsWith(ATTACHMENT_SOURCE) ? source.slice(ATTACHMENT_SOURCE.length) : undefined;
}
