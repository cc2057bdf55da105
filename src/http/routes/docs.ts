import type { FastifyInstance } from 'fastify';
import { productVersion } from '../../config/index.js';
import { OPERATIONS, openApiDocument } from '../openapi.js';

const version = productVersion();

/**
 * `GET /openapi.json` (the full reference) and `GET /docs`: a self-contained page listing every
 * route, rendered on the server, with no scripts and nothing loaded from elsewhere.
 */
export function docsRoutes(server: FastifyInstance): void {
  const document = openApiDocument(version);
  const page = renderDocs(version);

  server.get('/openapi.json', async () => document);
  server.get('/docs', async (_request, reply) =>
    reply
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      )
      .type('text/html; charset=utf-8')
      .send(page),
  );
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** `text` as HTML, its `code` spans (as the operations' summaries write them) set as code. */
function inline(text: string): string {
  return escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function renderDocs(version: string): string {
  const rows = OPERATIONS.map(
    (
      op,
    ) => `<tr><td><code>${op.method.toUpperCase()}</code></td><td><code>${escape(op.path)}</code></td>
<td>${inline(op.summary)}${op.description ? `<br><small>${inline(op.description)}</small>` : ''}</td>
<td>${op.auth === 'none' ? '—' : op.auth === 'admin' ? 'admin key' : 'session token'}</td></tr>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>support-agent API ${escape(version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.45rem;text-align:left;vertical-align:top}
code{font:13px ui-monospace,monospace;background:#f4f4f5;padding:.1rem .3rem;border-radius:3px}small{color:#555}
</style></head><body>
<h1>support-agent API <small>${escape(version)}</small></h1>
<p>The full reference is the OpenAPI document at <a href="/openapi.json"><code>/openapi.json</code></a>.
Session routes take <code>Authorization: Bearer &lt;session token&gt;</code> (a browser's EventSource
or WebSocket, which cannot set headers, may send it as <code>?token=</code>); admin routes take the admin key the same way. Every error is
<code>{ "error": { "code", "message", "requestId" } }</code>, and every response carries
<code>X-Request-Id</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Needs</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>`;
}
