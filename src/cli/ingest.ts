import type { Config } from '../config/index.js';
import { ingestPaths, summarize } from '../rag/index.js';
import { openCliApp } from './open-app.js';

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
 * and prints a one-line summary, then one line per failed file and per file not added because
 * the same file is stored already (a copy in another folder); with embeddings configured, new
 * passages are embedded too, and the vectors of passages that are gone removed. Exit code 1
 * when a file failed or embedding stopped early.
 */
export async function ingest(
  config: Config,
  paths: string[],
  options: { prune: boolean },
): Promise<number> {
  const app = await openCliApp(config);
  try {
    const onProgress = progressBar(process.stderr);
    const report = await ingestPaths(app.knowledge, paths, {
      prune: options.prune,
      // Files whose parse had to be stopped are logged (to stderr), as for admin uploads.
      log: app.logger,
      workers: app.parsing.workers,
      limits: app.parsing.limits,
      maxFileBytes: config.kb.maxFileBytes,
      chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
      ...(onProgress ? { onProgress } : {}),
    });
    console.log(summarize(report));
    for (const failure of report.failed)
      console.log(`  failed: ${failure.path}: ${failure.reason}`);
    for (const duplicate of report.duplicates)
      console.log(`  not added: ${duplicate.path}: the same file as ${duplicate.sameAs}`);
    const vectors = await app.indexVectors();
    if (vectors) {
      // Vectors of passages gone (a changed or pruned file) are named only when there were some.
      const removed = vectors.removed > 0 ? `, ${vectors.removed} removed` : '';
      console.log(
        vectors.stopped
          ? `vectors: ${vectors.embedded} embedded${removed}, ${vectors.pending} pending (${vectors.stopped}; run ingest again later)`
          : `vectors: ${vectors.embedded} embedded${removed}`,
      );
    }
    return report.failed.length === 0 && !vectors?.stopped ? 0 : 1;
  } finally {
    await app.close();
  }
}
