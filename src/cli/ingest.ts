import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { ingestPaths, summarize } from '../rag/index.js';
import { openDatabase, SqliteKnowledgeRepository } from '../store/index.js';

/** Draws a one-line progress bar on a terminal; prints nothing elsewhere. */
function progressBar(stream: NodeJS.WriteStream) {
  if (!stream.isTTY) return undefined;
  return ({ done, total, path }: { done: number; total: number; path: string }) => {
    const width = 24;
    const filled = Math.round((done / Math.max(1, total)) * width);
    const name = path.length > 40 ? `…${path.slice(-39)}` : path;
    stream.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${name}`.padEnd(90),
    );
    if (done === total) stream.write('\r'.padEnd(91) + '\r');
  };
}

/**
 * `support-agent ingest <path...> [--prune]`: ingests files and folders into the knowledge base
 * and prints a one-line summary, then one line per failed file. Exit code 1 when a file failed.
 */
export async function ingest(
  config: Config,
  paths: string[],
  options: { prune: boolean },
): Promise<number> {
  const db = openDatabase(join(config.dataDir, 'support-agent.db'));
  try {
    const onProgress = progressBar(process.stderr);
    const report = await ingestPaths(new SqliteKnowledgeRepository(db), paths, {
      prune: options.prune,
      maxFileBytes: config.kb.maxFileBytes,
      chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
      ...(onProgress ? { onProgress } : {}),
    });
    console.log(summarize(report));
    for (const failure of report.failed)
      console.log(`  failed: ${failure.path}: ${failure.reason}`);
    return report.failed.length === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}
