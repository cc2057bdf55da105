import { firstHeading } from './block-text.js';
import { fileStem } from './file-name.js';
import { htmlToBlocks } from './html-to-blocks.js';
import type { ParsedDocument } from './types.js';

/**
 * Parses an HTML page. The title is its `<title>`, else its first `<h1>`, else the file name;
 * but a `<title>` that is the `<h1>` with the site's name beside it ("Gift wrapping | Acme Help
 * Center") gives way to the `<h1>`, which every answer would otherwise cite with the site's name.
 */
export function parseHtml(html: string, fileName: string): ParsedDocument {
  const { blocks, title } = htmlToBlocks(html, fileName);
  const heading = firstHeading(blocks, 1);
  return {
    key: '',
    title:
      (heading && withSiteName(title, heading) ? heading : title) || heading || fileStem(fileName),
    format: 'html',
    blocks,
  };
}

/** Separators a page title puts between the page's own title and the site's name. */
const SEPARATOR = String.raw`(?:\s*[|–—·»«]\s*|\s+-\s+)`;

/** Whether `title` is `heading` with something beside it after (or before) a separator. */
function withSiteName(title: string, heading: string): boolean {
  const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:${escaped}${SEPARATOR}\\S.*|.*\\S${SEPARATOR}${escaped})$`, 'i').test(
    title,
  );
}
