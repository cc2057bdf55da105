import { describe, expect, it } from 'vitest';
import { sentimentScore } from './sentiment.js';

describe('sarcastic praise', () => {
  it.each([
    'Oh brilliant, another week without my parcel.',
    'wow great job losing my luggage',
    'thanks for nothing, the engineer never came',
    'great job cancelling my booking without asking',
    'Fantastic service, really. My parcel is still missing.',
    'oh great, the app crashed again',
  ])('reads as negative when something went wrong: %s', (text) => {
    expect(sentimentScore(text)).toBeLessThan(-0.3);
  });

  it('is as strong as angry words when it piles up', () => {
    expect(
      sentimentScore('Oh brilliant, another week without my parcel. Fantastic service, really.'),
    ).toBeLessThanOrEqual(-0.7);
  });

  it.each([
    'oh great, that worked, thanks',
    'wow thank you, the refund is already in my account',
    'great job on the new app, how do I turn on dark mode?',
    'Fantastic service, thank you.',
    'brilliant, the reset link worked',
    'Oh great, thanks, I was worried but it is sorted',
    'Oh great, thanks! Still one question: how do I add a user?',
    'wow thank you so much, is the refund there yet?',
    'wow great, no problems at all now',
  ])('stays praise when nothing went wrong: %s', (text) => {
    expect(sentimentScore(text)).toBeGreaterThan(0);
  });
});
