import type { ParsedDocument } from '../parse/index.js';
import { SectionPacker } from './section-packer.js';
import type { ChunkDraft, ChunkOptions } from './types.js';

const DEFAULT_SIZE = 180;
const DEFAULT_OVERLAP = 30;

/**
 * Cuts a parsed document into chunks along its structure. Each heading starts a new chunk and
 * updates the heading path (a heading of level n replaces the path from level n down); heading
 * texts go into `headingPath`, not into the chunk text, and a section without body text gives
 * no chunk. Within a section, blocks (joined by `"\n"`, list items as `"- item"`) fill a chunk
 * up to `size` words; the next chunk repeats the last `overlap` words. A block larger than
 * `size` is cut at sentence ends, and a sentence larger than `size` between words.
 * The same document and options always give the same chunks.
 *
 * Throws a `RangeError` when `size` is not a positive whole number or `overlap` is negative or
 * not smaller than `size`.
 *
 * @example
 * const chunks = chunkDocument(doc, { size: 200, overlap: 40 });
 * // [{ ordinal: 0, text: 'Refunds take 5 days…', headingPath: ['Billing', 'Refunds'] }, …]
 */
export function chunkDocument(doc: ParsedDocument, options: ChunkOptions = {}): ChunkDraft[] {
  const { size = DEFAULT_SIZE, overlap = DEFAULT_OVERLAP } = options;
  validate(size, overlap);
  const chunks: ChunkDraft[] = [];
  const path: Array<{ level: number; text: string }> = [];
  const packer = new SectionPacker(size, overlap, (text) => {
    chunks.push({ ordinal: chunks.length, text, headingPath: path.map((heading) => heading.text) });
  });
  for (const block of doc.blocks) {
    if (block.type !== 'heading') {
      packer.add(block);
      continue;
    }
    // The section ends before the path changes, so its chunks keep the path they were under.
    packer.finish();
    const level = Math.min(6, Math.max(1, block.level ?? 1));
    while ((path.at(-1)?.level ?? 0) >= level) path.pop();
    path.push({ level, text: block.text });
  }
  packer.finish();
  return chunks;
}

function validate(size: number, overlap: number): void {
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`chunk size must be a positive whole number of words, got ${size}`);
  }
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new RangeError(
      `chunk overlap must be a whole number of words, 0 or more, got ${overlap}`,
    );
  }
  if (overlap >= size) {
    throw new RangeError(
      `chunk overlap (${overlap} words) must be smaller than the chunk size (${size} words)`,
    );
  }
}
