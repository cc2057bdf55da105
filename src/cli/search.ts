import type { Config } from '../config/index.js';
import type { SearchResult } from '../rag/index.js';
import { openCliApp } from './open-app.js';

/** Turns the `<mark>` of a snippet into bold on a terminal and plain text elsewhere. */
function forTerminal(snippet: string, tty: boolean): string {
  const text = snippet
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
  return tty
    ? text.replaceAll('<mark>', '\u001b[1m').replaceAll('</mark>', '\u001b[22m')
    : text.replace(/<\/?mark>/g, '');
}

/**
 * `support-agent search "<query>"`: searches the knowledge base through the `kb_search` tool,
 * as the agent does, and prints the passages (or the JSON result with `--json`).
 */
export async function search(
  config: Config,
  query: string,
  options: { json: boolean; top?: number },
): Promise<number> {
  const app = await openCliApp(config);
  try {
    const result = await app.tools.call<SearchResult>('kb_search', {
      query,
      ...(options.top === undefined ? {} : { topK: options.top }),
    });
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
      return result.type === 'ok' ? 0 : 1;
    }
    if (result.type !== 'ok') {
      console.error(`The search failed: ${result.message}`);
      return 1;
    }
    const { hits, reason } = result.value;
    if (hits.length === 0) {
      console.log(
        reason === 'no_searchable_words'
          ? 'The query has no words to search for (only punctuation or very common words).'
          : 'Nothing relevant in the knowledge base.',
      );
      return 0;
    }
    const tty = process.stdout.isTTY === true;
    hits.forEach((hit, i) => {
      // A document's first heading is usually its title: don't say it twice.
      const path = hit.headingPath[0] === hit.title ? hit.headingPath.slice(1) : hit.headingPath;
      const where = [hit.title, ...path].join(' › ');
      console.log(`${i + 1}. ${where}  (score ${hit.score})`);
      console.log(`   ${hit.url ?? hit.source}`);
      console.log(`   ${forTerminal(hit.snippet, tty)}\n`);
    });
    return 0;
  } finally {
    await app.close();
  }
}
