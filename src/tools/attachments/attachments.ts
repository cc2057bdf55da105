import { createHash } from 'node:crypto';
import { z } from 'zod';
import { chunkDocument } from '../../rag/chunk/index.js';
import { parseFile } from '../../rag/parse/index.js';
import type { KnowledgeRepository } from '../../store/index.js';
import { defineTool } from '../define-tool.js';

/** Limits of attachments. */
export interface AttachmentLimits {
  maxFileBytes: number;
  maxMessageBytes: number;
  chunkSize: number;
  chunkOverlap: number;
}

/** What the turn learns of each attached file. */
export interface AttachmentSummary {
  name: string;
  ok: boolean;
  /** The first words of the file, for the answer's context. */
  preview: string;
  chunks: number;
  /** Why the file could not be read, in words. */
  error?: string;
}

const file = z.object({
  name: z.string().min(1).max(255),
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'file data must be bytes'),
});
const input = z.object({ files: z.array(file).min(1).max(20) });

/**
 * The `attachments` tool: reads files given with a message (type from their content, the
 * knowledge base's parsers) and indexes them in the session's own scope, `session:<id>`, which
 * only that session's searches include. A file that cannot be read is reported, not fatal.
 */
export function createAttachmentsTool(knowledge: KnowledgeRepository, limits: AttachmentLimits) {
  return defineTool<typeof input, AttachmentSummary[]>({
    name: 'attachments',
    description: 'Reads files the customer attached and makes them searchable in their session.',
    input,
    timeoutMs: 60_000,
    retry: { maxAttempts: 1 },
    async execute({ files }, { sessionId, signal }) {
      if (sessionId === undefined) throw new TypeError('attachments need a session');
      const total = files.reduce((sum, f) => sum + f.data.length, 0);
      if (total > limits.maxMessageBytes) {
        return files.map((f) => ({
          name: f.name,
          ok: false,
          preview: '',
          chunks: 0,
          error: `the files of one message may total ${limits.maxMessageBytes} bytes; these total ${total}`,
        }));
      }
      const scope = `session:${sessionId}`;
      const results: AttachmentSummary[] = [];
      for (const { name, data } of files) {
        try {
          const docs = await parseFile(data, name, { maxBytes: limits.maxFileBytes, signal });
          const documents = docs.map((doc) => ({
            docKey: doc.key,
            title: doc.title,
            url: undefined,
            format: doc.format,
            contentHash: createHash('sha256').update(JSON.stringify(doc.blocks)).digest('hex'),
            chunks: chunkDocument(doc, { size: limits.chunkSize, overlap: limits.chunkOverlap }),
          }));
          const fileHash = createHash('sha256').update(data).digest('hex');
          await knowledge.replaceSource(scope, `attachment:${name}`, fileHash, documents);
          const text = docs.flatMap((d) => d.blocks.map((b) => b.text)).join(' ');
          results.push({
            name,
            ok: true,
            preview: text.split(/\s+/).slice(0, 60).join(' '),
            chunks: documents.reduce((n, d) => n + d.chunks.length, 0),
          });
        } catch (error) {
          results.push({
            name,
            ok: false,
            preview: '',
            chunks: 0,
            error: (error as Error).message,
          });
        }
      }
      return results;
    },
  });
}
