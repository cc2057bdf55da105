import { describe, expect, it } from 'vitest';
import { sentimentScore } from './index.js';
import { onlyFeels } from './sentiment.js';
import { detectWorsening } from './sentiment-trend.js';
import { tokenize } from './tokenize.js';

describe('sentimentScore', () => {
  it('is 0 for text without feeling and stays inside (−1, 1)', () => {
    expect(sentimentScore('')).toBe(0);
    expect(sentimentScore('How do I reset my password?')).toBe(0);
    const furious = sentimentScore('WORST. SERVICE. EVER. furious livid disgusting!!!!!!!!');
    expect(furious).toBeGreaterThan(-1);
    expect(furious).toBeLessThan(-0.9);
    expect(sentimentScore('Thank you so much, you have been wonderful!')).toBeGreaterThan(0.5);
  });

  it('reads strong anger as much more negative than mild annoyance', () => {
    const angry = sentimentScore("This is ridiculous, worst service ever, I'm furious");
    const mild = sentimentScore('I am a bit disappointed');
    expect(angry).toBeLessThan(-0.85);
    expect(mild).toBeLessThan(0);
    expect(mild).toBeGreaterThan(-0.3);
  });

  it('flips a word within three words after a negation', () => {
    expect(sentimentScore('I am happy')).toBeGreaterThan(0);
    expect(sentimentScore('I am not happy')).toBeLessThan(0);
    expect(sentimentScore('I am not very happy')).toBeLessThan(0);
    expect(sentimentScore("I don't like this")).toBeLessThan(0);
    expect(sentimentScore('It is still not working')).toBeLessThan(0);
    expect(sentimentScore('no problem')).toBeGreaterThan(0);
  });

  it('makes "not bad" only mildly positive, weaker than "good"', () => {
    const notBad = sentimentScore('not bad');
    expect(notBad).toBeGreaterThan(0);
    expect(notBad).toBeLessThan(sentimentScore('bad') * -1);
  });

  it('does not carry a negation past a comma or beyond three words', () => {
    expect(sentimentScore('No, I am happy')).toBeGreaterThan(0);
    expect(sentimentScore('I do not think that this is good')).toBeGreaterThan(0);
  });

  it('does not read what a condition supposes as the customer feeling it', () => {
    expect(sentimentScore('can i return it if i dont like it')).toBe(0);
    expect(sentimentScore("Can I send it back in case it doesn't fit?")).toBe(0);
    expect(
      sentimentScore("What happens if my payment is declined and it doesn't go through?"),
    ).toBe(0);
    // Said, not supposed: the feeling counts.
    expect(sentimentScore('i dont like it')).toBeLessThan(-0.45);
    expect(sentimentScore("It's as if nobody cares, I don't like this")).toBeLessThan(-0.45);
    // The main clause after a condition is said, and so is anger inside one.
    expect(sentimentScore("if this isn't fixed today I'll be furious")).toBeLessThan(-0.45);
    expect(sentimentScore("if it doesn't fit I'm happy to send it back")).toBeGreaterThan(0);
    expect(sentimentScore("if this is how you treat customers it's a joke")).toBeLessThan(-0.45);
  });

  it('strengthens with intensifiers, capitals and exclamation marks, weakens with hedges', () => {
    const plain = sentimentScore('I am disappointed');
    expect(sentimentScore('I am very disappointed')).toBeLessThan(plain);
    expect(sentimentScore('I am extremely disappointed')).toBeLessThan(plain);
    expect(sentimentScore('I am DISAPPOINTED')).toBeLessThan(plain);
    expect(sentimentScore('I am disappointed!!!')).toBeLessThan(plain);
    expect(sentimentScore('I am slightly disappointed')).toBeGreaterThan(plain);
    expect(sentimentScore('I am kind of disappointed')).toBeGreaterThan(plain);
  });

  it('lets what follows "but" decide', () => {
    expect(sentimentScore('The product is great but the support is terrible')).toBeLessThan(0);
    expect(sentimentScore('The delivery was late but the driver was lovely')).toBeGreaterThan(0);
  });

  it('does not make a pasted log angry by repeating one fault word', () => {
    const once = sentimentScore('ERROR: connection failed');
    const log = sentimentScore('ERROR: connection failed\n'.repeat(2000));
    expect(log).toBeGreaterThan(-0.7);
    expect(log).toBeLessThan(once + 1e-9);
  });

  it('reads a calm fault report as mildly negative at most', () => {
    const report = 'I get an error when I log in, it failed and the app crashed.';
    expect(sentimentScore(report)).toBeGreaterThan(-0.45);
  });

  it('counts half a word that asks how much ("how bad is it?"), but not anger or blame', () => {
    expect(sentimentScore('how bad is this')).toBeCloseTo(sentimentScore('this is a bit bad'), 9);
    expect(sentimentScore('how bad is this')).toBeGreaterThan(sentimentScore('this is bad'));
    expect(sentimentScore('how pathetic is this')).toBeCloseTo(
      sentimentScore('this is pathetic'),
      9,
    );
    expect(sentimentScore('how bad can your app get')).toBeCloseTo(
      sentimentScore('your app can get bad'),
      9,
    );
    // An exclamation is no question: nothing asked follows the word.
    expect(sentimentScore('How awful!')).toBeCloseTo(sentimentScore('Awful!'), 9);
  });

  it('scores emoji and typographic apostrophes', () => {
    expect(sentimentScore('😡😡')).toBeLessThan(-0.7);
    expect(sentimentScore('👍')).toBeGreaterThan(0);
    expect(sentimentScore('I don’t like it')).toBeCloseTo(sentimentScore("I don't like it"), 10);
  });
});

describe('onlyFeels', () => {
  it.each(["that's stupid", 'this is useless!', 'ugh 😡', 'so annoying', 'that is not helpful'])(
    '"%s" only says how the customer feels',
    (message) => {
      expect(onlyFeels(tokenize(message))).toBe(true);
    },
  );

  it.each([
    'Still nothing?! Your site has zero information on this. Ridiculous.',
    "it doesn't work",
    'still broken',
    'this is ridiculous, where is my refund',
    'ERROR ERROR failed crash',
    'how do I reset my password?',
    '',
  ])('"%s" says more, or nothing', (message) => {
    expect(onlyFeels(tokenize(message))).toBe(false);
  });
});

describe('detectWorsening', () => {
  it('sees a conversation going sour, and one staying sour', () => {
    expect(detectWorsening([0.3, -0.1, -0.6])?.detail).toMatch(/^sentiment worsening/);
    expect(detectWorsening([0, -0.46, -0.46])?.detail).toBe('negative again (-0.46, then -0.46)');
    expect(detectWorsening([-0.46, -0.61])?.detail).toBe('negative again (-0.46, then -0.61)');
  });

  it('does not count one negative message, one no longer negative, or one long before', () => {
    expect(detectWorsening([0, -0.46])).toBeUndefined();
    expect(detectWorsening([-0.5, 0.2])).toBeUndefined();
    expect(detectWorsening([-0.5, 0, 0, 0, -0.35])).toBeUndefined();
  });

  it('needs the slide to have begun before the new message', () => {
    // One mildly negative message after calm ones is that message's mood, not a trend…
    expect(detectWorsening([0, 0, -0.46])).toBeUndefined();
    expect(detectWorsening([0.8, 0.3, 0, -0.5])).toBeUndefined();
    // …one after a message that had already turned is, and so is a sharp turn.
    expect(detectWorsening([0, -0.19, -0.46])?.detail).toMatch(/^sentiment worsening/);
    expect(detectWorsening([0.8, -0.1, 0.2, -0.5])?.detail).toMatch(/^sentiment worsening/);
    expect(detectWorsening([0, 0, -0.61])?.detail).toMatch(/^sentiment worsening/);
  });
});
