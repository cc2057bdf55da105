import { collapseWhitespace } from './block-text.js';

// Every span is bounded in length: an unclosed marker must not make stripping quadratic on a
// long paragraph (each opening would otherwise be matched against the rest of the text).
const CODE_SPAN = /(`+)([\s\S]{0,1000}?[^`])\1(?!`)/g;
/** A backslash before ASCII punctuation makes that character literal (`\*` is a star). */
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
/** Escaped characters are parked in the Private Use Area while markers are stripped. */
const PARKED = /[\uE000-\uE07F]/g;
/** A link destination: no line breaks, one level of balanced parentheses. */
const DESTINATION = String.raw`\((?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)`;
const LABEL = String.raw`\[([^\]]{1,500})\]`;

const REPLACEMENTS: ReadonlyArray<readonly [RegExp, string]> = [
  // Images carry no text worth retrieving; their alt text is usually a file name.
  [new RegExp(String.raw`[ \t]?!\[[^\]]{0,500}\](?:${DESTINATION}|\[[^\]]{0,200}\])`, 'g'), ''],
  [new RegExp(LABEL + DESTINATION, 'g'), '$1'],
  [new RegExp(String.raw`${LABEL}\[[^\]]{0,200}\]`, 'g'), '$1'],
  [/<((?:https?|mailto):[^>\s]{1,2000})>/g, '$1'],
  [/<\/?[a-z][a-z0-9-]{0,30}(?:\s[^<>]{0,2000})?\/?>/gi, ''],
  [/\*\*(?=\S)([\s\S]{0,500}?\S)\*\*/g, '$1'],
  // Underscores only count at word edges, so snake_case_names survive.
  [/(?<!\w)__(?=\S)([\s\S]{0,500}?\S)__(?!\w)/g, '$1'],
  [/(?<![\w*])\*(?=[^\s*])([\s\S]{0,500}?[^\s*])\*(?![\w*])/g, '$1'],
  [/(?<!\w)_(?=[^\s_])([\s\S]{0,500}?[^\s_])_(?!\w)/g, '$1'],
  [/~~(?=\S)([\s\S]{0,500}?\S)~~/g, '$1'],
];

/**
 * Strips inline Markdown lightly: links keep their text, images go, emphasis and strike-through
 * markers and inline HTML tags are dropped, code spans keep their content verbatim.
 */
export function stripInlineMarkdown(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    out += stripMarkers(text.slice(last, match.index)) + (match[2] ?? '').trim();
    last = match.index + match[0].length;
  }
  return collapseWhitespace(out + stripMarkers(text.slice(last)));
}

function stripMarkers(text: string): string {
  let out = text.replace(ESCAPE, (_, char: string) =>
    String.fromCharCode(0xe000 + char.charCodeAt(0)),
  );
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  return out.replace(PARKED, (char) => String.fromCharCode(char.charCodeAt(0) - 0xe000));
}
