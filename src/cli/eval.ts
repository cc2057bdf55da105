import type { Config } from '../config/index.js';
import { retrieverSettings, synonyms } from '../app.js';
import { evaluateRetrieval } from '../rag/index.js';
import {
  createParseCapacity,
  createParseWorkers,
  DEFAULT_PARSE_LIMITS,
  type ParseLimits,
  type ParseWorkers,
} from '../rag/parse/index.js';

/**
 * `support-agent eval retrieval <dir>`: prints the retrieval metrics of a BEIR folder as JSON.
 * The corpus is read within the configured limits (`PARSE_*`), as `ingest` reads files: a large
 * corpus that needs more time or memory than the defaults is measured once they are raised.
 */
export async function evalRetrieval(config: Config, dir: string): Promise<number> {
  const result = await evaluateRetrieval(dir, {
    settings: retrieverSettings(config),
    synonyms: synonyms(config),
    chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
    ...parsing(config),
  });
  console.log(JSON.stringify(result, null, 2));
  return 0;
}

/**
 * The parse workers and limits of the configuration, made as the app makes them (`parseSettings`
 * in `app.ts`); `eval` opens no app, whose storage it does not use.
 */
function parsing(config: Config): { workers: ParseWorkers; limits: ParseLimits } {
  const { timeoutMs, workerMemoryMb, memoryBudgetMb, concurrency, maxTextChars, maxPdfPages } =
    config.parse;
  return {
    workers: createParseWorkers({
      timeoutMs,
      memoryMb: workerMemoryMb,
      capacity: createParseCapacity(memoryBudgetMb),
      ...(concurrency !== undefined ? { concurrency } : {}),
    }),
    limits: { ...DEFAULT_PARSE_LIMITS, maxTextChars, maxPdfPages },
  };
}
