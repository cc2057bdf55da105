import type { Config } from '../config/index.js';
import { parseSettings, retrieverSettings, synonyms } from '../app.js';
import { evaluateRetrieval } from '../rag/index.js';
import { createParseWorkers } from '../rag/parse/index.js';

/**
 * `support-agent eval retrieval <dir>`: prints the retrieval metrics of a BEIR folder as JSON.
 * The corpus is read within the configured limits (`PARSE_*`), as `ingest` reads files: a large
 * corpus that needs more time or memory than the defaults is measured once they are raised.
 */
export async function evalRetrieval(config: Config, dir: string): Promise<number> {
  // The configured limits, as the app reads files; eval opens no app (it uses no storage).
  const parsing = parseSettings(config);
  const result = await evaluateRetrieval(dir, {
    settings: retrieverSettings(config),
    synonyms: synonyms(config),
    chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
    workers: createParseWorkers(parsing.workers),
    limits: parsing.limits,
  });
  console.log(JSON.stringify(result, null, 2));
  return 0;
}
