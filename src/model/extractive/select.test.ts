import { describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../../rag/search/retriever.js';
import { composeExtractiveAnswer, type ExtractiveInput } from './index.js';

let nextId = 1;
/** A retrieved passage of an article, under its headings. */
function chunk(title: string, text: string, headingPath: string[] = [title]): RetrievedChunk {
  const id = nextId++;
  return {
    chunkId: id,
    documentId: title,
    title,
    headingPath,
    source: `help/${title.toLowerCase().replace(/\W+/g, '-')}.md`,
    url: null,
    text,
    snippet: text.slice(0, 80),
    score: 10 - id / 10,
  };
}

function answer(question: string, sources: RetrievedChunk[], extra: Partial<ExtractiveInput> = {}) {
  return composeExtractiveAnswer({ question, sources, facts: [], firstTurn: false, ...extra });
}

describe('the sentences chosen beside the best', () => {
  it('take a word of the question from the best page, though another page said it too', () => {
    const sms = chunk(
      'Notifications',
      'SMS reminders are available on Business plans only and can be sent to invitees in 40 ' +
        'countries. Each workspace includes 500 SMS messages per month, and unused messages do ' +
        'not roll over to the next month.',
      ['Notifications', 'SMS reminders'],
    );
    const email = chunk(
      'Reminders',
      'Slotwise sends invitees an email reminder 24 hours before each meeting by default. You ' +
        'can add up to 3 reminders per booking page.',
      ['Reminders', 'Email reminders for invitees'],
    );
    const result = answer('can I send text message reminders', [sms, email], {
      related: [{ from: 'text message', to: 'sms', weight: 0.6 }],
    });
    // "reminder" said by the page on e-mail did not make the page on SMS say nothing more.
    expect(result.text).toContain('SMS reminders are available on Business plans only');
  });

  it('asked when, and answered first with no time, lead with the sentence that states one', () => {
    const how = chunk(
      'Making a complaint',
      "We're sorry if something has gone wrong. You can complain by:\n\n" +
        '- using the form in Account > Help > Make a complaint\n' +
        '- calling us on 0330 555 0100, Monday to Friday 8am–8pm',
      ['Making a complaint', 'How to complain'],
    );
    const next = chunk(
      'Making a complaint',
      "We'll acknowledge your complaint within 1 working day and give you the name of the " +
        'person handling it. Most complaints are resolved within 5 working days.',
      ['Making a complaint', 'What happens next'],
    );
    const result = answer('sent a complaint form yesterday, when will i hear something back', [
      how,
      next,
    ]);
    expect(result.text).toMatch(/^We'll acknowledge your complaint within 1 working day/);
    expect(result.text).toContain('using the form');
  });
});
