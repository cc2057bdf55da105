import type { Block } from './types.js';

/** Runs of whitespace (newlines, tabs, non-breaking spaces) become one space; ends trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Paragraph blocks of plain text: split at blank lines, lines within a paragraph joined. */
export function paragraphBlocks(text: string): Block[] {
  return text
    .split(/\n[ \t]*\n/)
    .map(collapseWhitespace)
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => ({ type: 'paragraph', text: paragraph }));
}

/** The text of the first heading of `level` (any level when omitted), if there is one. */
export function firstHeading(blocks: readonly Block[], level?: number): string | undefined {
  return blocks.find(
    (block) => block.type === 'heading' && (level === undefined || block.level === level),
  )?.text;
}
