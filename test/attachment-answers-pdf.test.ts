/**
 * A manual the customer attached as a PDF, long enough to make several passages: a passage after
 * the first opens with the last words of the one before, often mid-sentence, and no reply quotes
 * a sentence from such a middle.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { AttachmentSummary } from '../src/tools/index.js';
import { makePdf } from './helpers/documents.js';
import { openQaApp } from './helpers/qa-app.js';

let app: App;

beforeAll(async () => {
  app = await openQaApp(['help-center-outdoor']);
});

afterAll(async () => {
  await app.close();
});

const LANTERNS =
  'Lanterns need little care. Wipe the glass after each trip. If the lantern mantle glows orange ' +
  'rather than white after you have cleaned the vents and fitted a fresh gas canister, the mantle ' +
  'is worn through and must be swapped for a new one from our spares page before the lantern is ' +
  'lit again.';

/** A section of the manual on the care of `gear`, some 60 words. */
function care(gear: string): string {
  return (
    `The ${gear} section of this manual covers care and storage. Keep your ${gear} dry between ` +
    `trips. Clean the ${gear} with a soft brush and mild soap, then let them air out fully before ` +
    'packing, since damp gear grows mould within a few days of storage in a closed bag or box ' +
    'kept in a warm room.'
  );
}

// Three sections fill a passage of 180 words: the next passage opens with the last 30 words of
// the lanterns' long sentence, "vents and fitted a fresh gas canister, …".
const SECTIONS = [
  care('tents'),
  care('stoves'),
  LANTERNS,
  ...['kayaks', 'paddles', 'ropes', 'boots', 'jackets', 'gloves', 'maps'].map(care),
];

let session = 0;

it.each([
  'do kayaks need a new one from the spares page?',
  'what do I swap from the spares page for my kayak?',
])('asked %j, the reply quotes no sentence from its middle', async (question) => {
  session += 1;
  const sessionId = `manual${session}`;
  const data = await makePdf((doc) => {
    for (const section of SECTIONS) doc.text(section).moveDown();
  });
  const read = await app.tools.call<AttachmentSummary[]>(
    'attachments',
    { files: [{ name: 'manual.pdf', data }] },
    { sessionId },
  );
  expect(read.type === 'ok' && read.value[0]?.chunks).toBeGreaterThan(2);
  const reply = await app.turns.start({ sessionId, text: question }).result;
  expect(reply.text).toContain('If the lantern mantle glows orange');
  // Each quoted sentence starts the reply, a paragraph, or follows a citation's full stop.
  expect(reply.text).not.toMatch(/(?:^|\n\n|\]\.\s|: )\p{Ll}/u);
});
