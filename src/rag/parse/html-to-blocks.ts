import { Parser } from 'htmlparser2';
import { AppError } from '../../errors/index.js';
import { collapseWhitespace } from './block-text.js';
import type { Block } from './types.js';

/** Page furniture and non-content: its text would pollute every chunk of a help center. */
const SKIPPED = new Set([
  'script',
  'style',
  'nav',
  'header',
  'footer',
  'noscript',
  'template',
  'svg',
  'iframe',
]);

/** Landmark roles of page furniture: a site's navigation, banner, footer and search. */
const FURNITURE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search']);

/**
 * Names (in `class`, `id` or `aria-label`) that help-center themes give their furniture:
 * breadcrumbs, sidebars, "related articles", sharing buttons, cookie notices, pagination,
 * comments. A word of the name, not a part of one (`shared-drive` is not `share`).
 */
const FURNITURE_NAME =
  /(?:^|[\s_-])(?:breadcrumbs?|sidebar|related|share|sharing|social|cookies?|pagination|comments?)(?:$|[\s_-])/i;

/** An `<aside>` so named is a callout of the article (a note, a tip, a warning), kept. */
const CALLOUT_NAME = /note|tip|warning|caution|important|callout|info|alert|admonition/i;

/**
 * Whether an element is furniture, not content: one of {@link SKIPPED}, a landmark of a site's
 * furniture, an element named as such, or an `<aside>` (a sidebar: "related articles", "in this
 * section") that is not named as a callout.
 */
function isFurniture(name: string, attribs: Record<string, string>): boolean {
  if (SKIPPED.has(name)) return true;
  const role = attribs.role?.toLowerCase();
  if (role !== undefined && FURNITURE_ROLES.has(role)) return true;
  const names = [attribs.class, attribs.id, attribs['aria-label']].filter(
    (value): value is string => value !== undefined && value !== '',
  );
  if (names.some((value) => FURNITURE_NAME.test(value))) return true;
  return name === 'aside' && !names.some((value) => CALLOUT_NAME.test(value));
}

/** Elements whose boundaries end a paragraph (text directly inside them is a paragraph too). */
const BLOCK_BOUNDARIES = new Set([
  'html',
  'body',
  'main',
  'article',
  'section',
  'aside',
  'div',
  'p',
  'blockquote',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'table',
  'figure',
  'figcaption',
  'form',
  'fieldset',
  'address',
  'details',
  'summary',
  'hr',
  'center',
]);

const HEADING = /^h([1-6])$/;

/**
 * The most elements open inside one another; a page nested deeper is refused. htmlparser2 keeps
 * its open elements in an array it adds to and takes from at the front, so every tag costs as
 * much as the nesting is deep: 125,000 nested `<li>` took 25 s. Browsers stop nesting at 512
 * levels too (Chromium's parser adds deeper elements as siblings); real help pages stay under a
 * hundred. At this depth the worst 1 MB page costs the parser well under a second.
 */
export const MAX_HTML_DEPTH = 512;

/** The blocks of an HTML page and the text of its `<title>` (`''` when it has none). */
export interface HtmlBlocks {
  blocks: Block[];
  title: string;
}

/**
 * Turns HTML into blocks: headings, paragraphs (`<p>` and text directly in containers such as
 * `<div>`), list items, table rows (cells joined with `" | "`) and `<pre>` as code. An inline
 * `<code>` stays part of its sentence. Entities are decoded and whitespace is collapsed.
 *
 * Throws a `payload_too_large` `AppError` about `fileName` when elements nest more than
 * {@link MAX_HTML_DEPTH} deep, as soon as the parser gets there.
 */
export function htmlToBlocks(html: string, fileName: string): HtmlBlocks {
  const collector = new BlockCollector(fileName);
  const parser = new Parser(collector, { decodeEntities: true });
  // The collector throws out of the parser's callback: nothing after that point is read.
  parser.write(html);
  parser.end();
  collector.flushInline();
  return { blocks: collector.blocks, title: collapseWhitespace(collector.title) };
}

interface OpenRow {
  cells: string[];
  cell: string | undefined;
  /** Tables nested in a cell: their text joins the outer cell. */
  nestedTables: number;
}

/** htmlparser2 callbacks; open and close events arrive balanced, implied ones included. */
class BlockCollector {
  readonly blocks: Block[] = [];
  title = '';
  readonly #fileName: string;
  /** Elements open now, implied ones included: the length of htmlparser2's stack. */
  #depth = 0;
  #skipDepth = 0;
  #inTitle = false;
  #inline = '';
  #listDepth = 0;
  /** The lists open, innermost last: a numbered one counts its items. */
  #lists: Array<{ ordered: boolean; items: number }> = [];
  #heading: { level: number; text: string } | undefined;
  #pre: { depth: number; text: string } | undefined;
  #row: OpenRow | undefined;

  constructor(fileName: string) {
    this.#fileName = fileName;
  }

  onopentag(name: string, attribs: Record<string, string>): void {
    if (++this.#depth > MAX_HTML_DEPTH) throw tooDeep(this.#fileName);
    if (this.#skipDepth > 0 || isFurniture(name, attribs)) {
      this.#skipDepth++;
    } else if (this.#pre) {
      this.#pre.depth++;
      if (name === 'br') this.#pre.text += '\n';
    } else if (name === 'title') {
      this.#inTitle = true;
    } else if (this.#row) {
      this.#openInRow(this.#row, name);
    } else if (this.#heading) {
      if (name === 'br') this.#heading.text += ' ';
    } else if (name === 'tr') {
      this.flushInline();
      this.#row = { cells: [], cell: undefined, nestedTables: 0 };
    } else if (HEADING.test(name)) {
      this.flushInline();
      this.#heading = { level: Number(HEADING.exec(name)?.[1]), text: '' };
    } else if (name === 'pre') {
      this.flushInline();
      this.#pre = { depth: 1, text: '' };
    } else if (name === 'br') {
      this.#inline += '\n';
    } else if (name === 'li') {
      this.flushInline();
      this.#listDepth++;
      const list = this.#lists.at(-1);
      if (list) list.items++;
    } else if (BLOCK_BOUNDARIES.has(name)) {
      this.flushInline();
      if (name === 'ol' || name === 'ul') this.#lists.push({ ordered: name === 'ol', items: 0 });
    }
  }

  ontext(text: string): void {
    if (this.#skipDepth > 0) return;
    if (this.#inTitle) this.title += text;
    else if (this.#pre) this.#pre.text += text;
    else if (this.#row) {
      if (this.#row.cell !== undefined) this.#row.cell += text;
    } else if (this.#heading) this.#heading.text += text;
    else this.#inline += text;
  }

  onclosetag(name: string): void {
    this.#depth--;
    if (this.#skipDepth > 0) {
      this.#skipDepth--;
    } else if (this.#pre) {
      if (--this.#pre.depth === 0) this.#closePre(this.#pre.text);
    } else if (name === 'title') {
      this.#inTitle = false;
    } else if (this.#row) {
      this.#closeInRow(this.#row, name);
    } else if (this.#heading) {
      if (HEADING.test(name)) this.#closeHeading(this.#heading);
    } else if (name === 'li') {
      this.flushInline();
      this.#listDepth = Math.max(0, this.#listDepth - 1);
    } else if (BLOCK_BOUNDARIES.has(name)) {
      this.flushInline();
      if (name === 'ol' || name === 'ul') this.#lists.pop();
    }
  }

  /** Ends the text collected outside any heading, row or `<pre>` as a paragraph or list item. */
  flushInline(): void {
    const text = collapseWhitespace(this.#inline);
    this.#inline = '';
    if (!text) return;
    const list = this.#lists.at(-1);
    if (this.#listDepth === 0) this.blocks.push({ type: 'paragraph', text });
    else if (list?.ordered && list.items > 0) {
      this.blocks.push({ type: 'list_item', text, number: list.items });
    } else this.blocks.push({ type: 'list_item', text });
  }

  #openInRow(row: OpenRow, name: string): void {
    if (name === 'table') row.nestedTables++;
    else if (row.nestedTables > 0 || name === 'br') row.cell = `${row.cell ?? ''} `;
    else if (name === 'td' || name === 'th') row.cell = '';
  }

  #closeInRow(row: OpenRow, name: string): void {
    if (name === 'table' && row.nestedTables > 0) {
      row.nestedTables--;
    } else if (row.nestedTables > 0) {
      // A nested cell or row ends: keep its words apart from the next ones.
      if (row.cell !== undefined) row.cell += ' ';
    } else if ((name === 'td' || name === 'th') && row.cell !== undefined) {
      row.cells.push(collapseWhitespace(row.cell));
      row.cell = undefined;
    } else if (name === 'tr' || name === 'table') {
      const text = row.cells.filter((cell) => cell !== '').join(' | ');
      if (text) this.blocks.push({ type: 'table_row', text });
      this.#row = undefined;
    } else if (BLOCK_BOUNDARIES.has(name) && row.cell !== undefined) {
      row.cell += ' ';
    }
  }

  #closePre(text: string): void {
    this.#pre = undefined;
    // Leading blank lines and trailing whitespace are layout; indentation inside is meaning.
    const code = text.replace(/^\s*\n/, '').replace(/\s+$/, '');
    if (code.trim()) this.blocks.push({ type: 'code', text: code });
  }

  #closeHeading(heading: { level: number; text: string }): void {
    this.#heading = undefined;
    const text = collapseWhitespace(heading.text);
    if (text) this.blocks.push({ type: 'heading', text, level: heading.level });
  }
}

function tooDeep(fileName: string): AppError {
  return new AppError(
    'payload_too_large',
    `its HTML nests elements more than ${MAX_HTML_DEPTH} deep, deeper than this service reads`,
    { details: { fileName, limit: MAX_HTML_DEPTH } },
  );
}
