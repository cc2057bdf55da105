import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';
import type { ParsedDocument } from './index.js';

async function parseHtml(html: string, fileName = 'page.html'): Promise<ParsedDocument> {
  const [doc] = await parseFile(new TextEncoder().encode(html), fileName);
  if (!doc) throw new Error('no document');
  return doc;
}

describe('parseFile on HTML', () => {
  it('keeps the content and drops page furniture and scripts', async () => {
    const doc = await parseHtml(`<!DOCTYPE html>
      <html><head><title>Returns &amp; refunds</title><style>p { color: red }</style></head>
      <body>
        <header>Acme Help Center</header>
        <nav><a href="/">Home</a></nav>
        <h1>Returns</h1>
        <p>You can return   an item
           within <strong>30&nbsp;days</strong>.</p>
        <div>Text directly in a div.<p>Nested paragraph.</p></div>
        <h2>How to</h2>
        <ol><li>Print the label</li><li><p>Ship it</p><ul><li>Any carrier</li></ul></li></ol>
        <table><tr><th>Item</th><th>Window</th></tr><tr><td><p>Shoes</p></td><td>60 days</td></tr></table>
        <pre><code>curl -X POST /returns
  --data id=42</code></pre>
        <p>Run <code>returns list</code> to check.</p>
        <script>trackPageView()</script><noscript>Enable JS</noscript>
        <footer>© Acme</footer>
      </body></html>`);
    expect(doc.title).toBe('Returns & refunds');
    expect(doc.format).toBe('html');
    expect(doc.blocks).toEqual([
      { type: 'heading', text: 'Returns', level: 1 },
      { type: 'paragraph', text: 'You can return an item within 30 days.' },
      { type: 'paragraph', text: 'Text directly in a div.' },
      { type: 'paragraph', text: 'Nested paragraph.' },
      { type: 'heading', text: 'How to', level: 2 },
      // Items of a numbered list are numbered; a bulleted list inside one is not.
      { type: 'list_item', text: 'Print the label', number: 1 },
      { type: 'list_item', text: 'Ship it', number: 2 },
      { type: 'list_item', text: 'Any carrier' },
      { type: 'table_row', text: 'Item | Window' },
      { type: 'table_row', text: 'Shoes | 60 days' },
      { type: 'code', text: 'curl -X POST /returns\n  --data id=42' },
      { type: 'paragraph', text: 'Run returns list to check.' },
    ]);
  });

  it("takes the h1 for the title when the <title> is the h1 beside the site's name", async () => {
    const page = (title: string, h1: string) =>
      parseHtml(
        `<html><head><title>${title}</title></head><body><h1>${h1}</h1><p>Text.</p></body></html>`,
      );
    expect((await page('Gift wrapping | Acme Help Center', 'Gift wrapping')).title).toBe(
      'Gift wrapping',
    );
    expect((await page('Acme Help Center – Gift wrapping', 'Gift wrapping')).title).toBe(
      'Gift wrapping',
    );
    expect((await page('Check-in - Acme', 'Check-in')).title).toBe('Check-in');
    // A <title> that says more about the page than its h1 stays.
    expect((await page('Returns &amp; refunds', 'Returns')).title).toBe('Returns & refunds');
    expect((await page('Check-in times', 'Check')).title).toBe('Check-in times');
    expect((await page('Returns: sending items back', 'Returns')).title).toBe(
      'Returns: sending items back',
    );
  });

  it("leaves out a help center theme's breadcrumbs, sidebars and related articles", async () => {
    const doc = await parseHtml(`<html><body>
      <ol class="breadcrumbs"><li>Help Center</li><li>Orders</li></ol>
      <div role="navigation"><a href="/">Home</a></div>
      <main>
        <h1>Gift wrapping</h1>
        <p>Gift wrapping costs $5 per order.</p>
        <aside class="note"><p>Wrapped orders ship a day later.</p></aside>
        <aside><h3>Related articles</h3><ul><li>Returns</li><li>Shipping</li></ul></aside>
        <section class="related-articles"><h3>See also</h3><ul><li>Gift cards</li></ul></section>
        <div class="article-share">Share on Facebook</div>
        <div class="shared-drive-info"><p>Kept: not a share button.</p></div>
      </main>
    </body></html>`);
    expect(doc.blocks).toEqual([
      { type: 'heading', text: 'Gift wrapping', level: 1 },
      { type: 'paragraph', text: 'Gift wrapping costs $5 per order.' },
      { type: 'paragraph', text: 'Wrapped orders ship a day later.' },
      { type: 'paragraph', text: 'Kept: not a share button.' },
    ]);
  });

  it('takes the first h1 for the title when there is no <title>', async () => {
    const doc = await parseHtml(
      '<html><body><h2>Intro</h2><h1>Shipping</h1><p>Fast.</p></body></html>',
    );
    expect(doc.title).toBe('Shipping');
  });

  it('falls back to the file name for a fragment without title or h1', async () => {
    const doc = await parseHtml('<p>Just a paragraph.</p>', 'snippets/greeting.htm');
    expect(doc.title).toBe('greeting');
    expect(doc.blocks).toEqual([{ type: 'paragraph', text: 'Just a paragraph.' }]);
  });
});
