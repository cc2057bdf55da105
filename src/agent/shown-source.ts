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
  const parts = source.split(/[\\/]/);
  return parts.at(-1) || source;
}
