import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

const texts = (text: string) => splitSentences(text).map((s) => s.text);

describe('splitSentences', () => {
  it('ends sentences at full stops, question and exclamation marks', () => {
    expect(texts('Refunds take five days. Is that long? Not at all! Thanks.')).toEqual([
      'Refunds take five days.',
      'Is that long?',
      'Not at all!',
      'Thanks.',
    ]);
  });

  it('keeps abbreviations, initials, decimals and URLs inside their sentence', () => {
    expect(
      texts(
        'Pay by card, e.g. Visa, i.e. not cash. Dr. Lee and J. Smith approve it. ' +
          'It takes 2.5 days vs. 3 days before. See https://example.com/help/refunds.html for more. ' +
          'Ask for form No. 5 at the desk.',
      ),
    ).toEqual([
      'Pay by card, e.g. Visa, i.e. not cash.',
      'Dr. Lee and J. Smith approve it.',
      'It takes 2.5 days vs. 3 days before.',
      'See https://example.com/help/refunds.html for more.',
      'Ask for form No. 5 at the desk.',
    ]);
  });

  it('does not end a sentence before a word in lower case', () => {
    expect(texts('Open approx. five tabs. Then wait.')).toEqual([
      'Open approx. five tabs.',
      'Then wait.',
    ]);
  });

  it('ends a sentence after "etc." when a new one begins', () => {
    expect(texts('Cards, vouchers etc. Cash is not accepted.')).toEqual([
      'Cards, vouchers etc.',
      'Cash is not accepted.',
    ]);
  });

  it('makes list lines and headings units of their own, without their markers', () => {
    const units = splitSentences(
      '# Passwords\nTo reset it:\n- Open Settings.\n2. Click Reset\n* Done',
    );
    expect(units).toEqual([
      { text: 'Passwords', list: false, heading: true, question: false },
      { text: 'To reset it:', list: false, heading: false, question: false },
      { text: 'Open Settings.', list: true, heading: false, question: false },
      { text: 'Click Reset', list: true, step: true, label: '2.', heading: false, question: false },
      { text: 'Done', list: true, heading: false, question: false },
    ]);
  });

  it('joins a line wrapped mid-sentence and marks questions, even in brackets', () => {
    expect(
      splitSentences('Refunds go back\nto your card. [[Would you like to know more?]]'),
    ).toEqual([
      { text: 'Refunds go back to your card.', list: false, heading: false, question: false },
      { text: '[[Would you like to know more?]]', list: false, heading: false, question: true },
    ]);
  });

  it('drops terminal escape sequences whole, not only their escape character', () => {
    expect(texts('The log said \u001b[31mERROR\u001b[0m twice. Restart the app.')).toEqual([
      'The log said ERROR twice.',
      'Restart the app.',
    ]);
  });

  it('handles empty text, control characters and emoji', () => {
    expect(texts('')).toEqual([]);
    expect(texts('  \n\n ')).toEqual([]);
    expect(texts('Hi\u0000 there 🙂. Bye 👋!')).toEqual(['Hi there 🙂.', 'Bye 👋!']);
  });
});
