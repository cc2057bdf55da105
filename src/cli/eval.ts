import type { Config } from '../config/index.js';
import { retrieverSettings, synonyms } from '../app.js';
import { evaluateRetrieval } from '../rag/index.js';

/** `support-agent eval retrieval <dir>`: prints the retrieval metrics of a BEIR folder as JSON. */
export async function evalRetrieval(config: Config, dir: string): Promise<number> {
  const result = await evaluateRetrieval(dir, {
    settings: retrieverSettings(config),
    synonyms: synonyms(config),
    chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
  });
  console.log(JSON.stringify(result, null, 2));
  return 0;
}
