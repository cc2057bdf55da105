import { firstHeading } from './block-text.js';
import { fileStem } from './file-name.js';
import { stripInlineMarkdown } from './markdown-inline.js';
import { isTableStart, readTable } from './markdown-table.js';
import type { Block, ParsedDocument } from './types.js';

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})([^`]*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const LIST_ITEM = /^\s*(?:[-*+]|(\d{1,9})[.)])(?:[ \t]+(.*))?$/;
const BLOCKQUOTE = /^ {0,3}>/;

/** A paragraph, list item or quote whose lines are still being collected. */
interface OpenBlock {
  kind: 'paragraph' | 'list_item' | 'quote';
  lines: string[];
  /** An item of a numbered list: its number. */
  number?: number;
}

/**
 * Parses Markdown with a line-based reader: ATX and setext headings, paragraphs, list items
 * (continuation lines join the item), fenced code blocks kept whole, block quotes as paragraphs
 * and pipe tables as rows. Front matter is skipped; its `title:` becomes the title.
 */
export function parseMarkdown(text: string, fileName: string): ParsedDocument {
  const { body, title } = splitFrontMatter(text);
  const blocks = markdownBlocks(body);
  return {
    key: '',
    title: title ?? firstHeading(blocks, 1) ?? fileStem(fileName),
    format: 'markdown',
    blocks,
  };
}

function splitFrontMatter(text: string): { body: string; title: string | undefined } {
  const match = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { body: text, title: undefined };
  const title = /^title:[ \t]*(.*?)[ \t]*$/m
    .exec(match[1] ?? '')?.[1]
    ?.replace(/^(['"])(.*)\1$/, '$2');
  return { body: text.slice(match[0].length), title: title || undefined };
}

function markdownBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let open: OpenBlock | undefined;
  const flush = (): void => {
    const body = open && stripInlineMarkdown(open.lines.join('\n'));
    if (open && body) {
      blocks.push(
        open.kind !== 'list_item'
          ? { type: 'paragraph', text: body }
          : open.number === undefined
            ? { type: 'list_item', text: body }
            : { type: 'list_item', text: body, number: open.number },
      );
    }
    open = undefined;
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      flush();
      index = readFence(lines, index, fence, blocks);
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      flush();
      pushHeading(blocks, atx[2] ?? '', atx[1]?.length ?? 1);
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    if (underline && open?.kind === 'paragraph') {
      pushHeading(blocks, open.lines.join('\n'), underline[1]?.startsWith('=') ? 1 : 2);
      open = undefined;
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      flush();
      continue;
    }
    if (isTableStart(lines, index)) {
      flush();
      index = readTable(lines, index, blocks);
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      open = { kind: 'list_item', lines: [item[2] ?? ''] };
      if (item[1] !== undefined) open.number = Number(item[1]);
      continue;
    }
    if (BLOCKQUOTE.test(line)) {
      // Nested markers go too; a heading inside a quote is quoted text, not document structure.
      const content = line.replace(/^(?:\s*>)+\s?/, '').replace(/^#{1,6}\s+/, '');
      if (open?.kind !== 'quote') flush();
      if (content.trim() === '') continue;
      open ??= { kind: 'quote', lines: [] };
      open.lines.push(content);
      continue;
    }
    // Plain text continues whatever is open (lazy continuation of list items and quotes).
    open ??= { kind: 'paragraph', lines: [] };
    open.lines.push(line);
  }
  flush();
  return blocks;
}

function pushHeading(blocks: Block[], raw: string, level: number): void {
  const text = stripInlineMarkdown(raw);
  if (text) blocks.push({ type: 'heading', text, level });
}

/** Reads a fenced code block into one `code` block and returns the index of its last line. */
function readFence(
  lines: readonly string[],
  index: number,
  fence: RegExpExecArray,
  blocks: Block[],
): number {
  const indent = fence[1]?.length ?? 0;
  const marker = fence[2] ?? '```';
  const body: string[] = [];
  let last = index + 1;
  for (; last < lines.length; last++) {
    const line = lines[last] ?? '';
    const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line)?.[1] ?? '';
    if (close[0] === marker[0] && close.length >= marker.length) break;
    // Content is unindented by as much as the fence was, as inside list items.
    body.push(line.replace(new RegExp(`^[ \\t]{0,${indent}}`), ''));
  }
  const code = body.join('\n').replace(/^\n+|\s+$/g, '');
  if (code !== '') blocks.push({ type: 'code', text: code });
  return last;
}
