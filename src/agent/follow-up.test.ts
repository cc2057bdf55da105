import { describe, expect, it } from 'vitest';
import {
  asksOnlyMore,
  doneAlready,
  doneStep,
  followUpChain,
  followUpContext,
  isFollowUp,
  namedApart,
  triedSteps,
} from './follow-up.js';

describe('isFollowUp', () => {
  it.each([
    'What about cats specifically?',
    'Is vomiting one of them?',
    'How much does it cost?',
    'Can I do that online?',
    'and for children?',
    'What if I lost it?',
    'how about Canada',
    'why?',
    'how much?',
    'since when??',
    'really? why',
    'what do I do now?',
    'how long for?',
    'still the same',
    "that didn't work",
    'no luck',
    'it has not helped',
    "I've already restarted the hub",
    'already tried turning it off and on',
    'I did that',
    // A step said to be done, however many things it names, asks what comes next.
    'I already checked my spam folder',
    "I've already checked my card statement",
  ])('takes %j for a follow-up', (message) => {
    expect(isFollowUp(message)).toBe(true);
  });

  it.each([
    'How do I reset my password?',
    'How long does the virus live on surfaces?',
    'And should I wear a mask at home?',
    'I cannot log in, it says my password is wrong',
    'What is the weather like in Paris?',
    '',
    '???',
    'ok',
    'why is my bill so high?',
    'what do I do with the old router?',
    // Done already, but with a problem or a question of its own.
    "I already paid for express delivery but it hasn't arrived",
    'I already returned the jacket, when will I get my refund?',
    // "there" that says something is, not where
    'Is there a warranty on the bedding?',
    'are there any fees for returns',
  ])('takes %j for a question of its own', (message) => {
    expect(isFollowUp(message)).toBe(false);
  });
});

describe('followUpContext', () => {
  it('gives the question a follow-up follows', () => {
    expect(followUpContext('Is vomiting one of them?', ['What are the symptoms?'])).toBe(
      'What are the symptoms?',
    );
  });

  it('leaves a question of its own alone', () => {
    expect(followUpContext('How do I reset my password?', ['What is your refund policy?'])).toBe(
      '',
    );
  });

  it('passes over greetings, thanks and details the customer gave', () => {
    expect(
      followUpContext('What about gift cards?', [
        'Can I get a refund?',
        'thanks!',
        'my order number is 44170',
      ]),
    ).toBe('Can I get a refund?');
  });

  it('reaches back one question more for each follow-up of a follow-up, three at most', () => {
    expect(
      followUpContext('and dogs?', [
        'Where do you ship?',
        'Can I bring my pet?',
        'what about cats?',
      ]),
    ).toBe('what about cats? Can I bring my pet?');
    // "How much does it cost?" after "what about express?" after "and to Canada?" is still
    // about shipping.
    expect(
      followUpContext('how much does it cost?', [
        'How long does shipping take?',
        'and to Canada?',
        'what about express?',
      ]),
    ).toBe('what about express? and to Canada? How long does shipping take?');
    expect(
      followUpContext('and dogs?', ['Can I bring my pet?', 'and cats?', 'and birds?', 'and fish?']),
    ).toBe('and fish? and birds? and cats?');
  });

  it('looks back three messages at most, and needs an earlier question', () => {
    expect(
      followUpContext('How much is it?', ['What does shipping cost?', 'hi', 'ok', 'thanks']),
    ).toBe('');
    expect(followUpContext('How much is it?', [])).toBe('');
    expect(followUpContext('How much is it?', ['hello'])).toBe('');
  });

  it('takes the subject of a question announced for what the follow-up is about', () => {
    // "I have a question about my order" is answered "What would you like to know?": "where is
    // it?" asks where the order is.
    expect(followUpContext('where is it?', ['I have a question about my order'])).toBe('my order');
    expect(followUpChain('where is it?', ['I have a question about my order'])).toEqual([0]);
    expect(
      followUpContext('can I still cancel it?', ['hi', 'Hi, I have a question about my order.']),
    ).toBe('my order');
    // The chain starts at the announcement: nothing asked before it is leaned on.
    expect(
      followUpContext('and how long does it take?', [
        'How do I reset my password?',
        'I have a question about a refund',
      ]),
    ).toBe('a refund');
    // A question announced without a subject says nothing of what comes.
    expect(followUpContext('where is it?', ['I have a question'])).toBe('');
    // A question of its own after the announcement stands on its own.
    expect(
      followUpContext('How do I reset my password?', ['I have a question about my order']),
    ).toBe('');
  });

  it('tells where the questions it leans on are, so that what was said since is exact', () => {
    // "ok" is passed over, and is not taken for part of "book" in a question of the chain.
    const earlier = ['ok', 'How do I book a car?', 'thanks', 'and a van?'];
    expect(followUpChain('how much is it?', earlier)).toEqual([3, 1]);
    expect(followUpChain('Where is my order?', earlier)).toEqual([]);
  });
});

describe('asksOnlyMore', () => {
  it.each([
    ['why?', true],
    ['what do I do now?', true],
    ['still the same', true],
    ["that didn't work", true],
    ['what about cats?', false],
    ['how long does it last?', false],
    ["I've already restarted it", true],
    ['tried that already', true],
  ])('%j: %s', (message, expected) => {
    expect(asksOnlyMore(message)).toBe(expected);
  });
});

describe('doneAlready', () => {
  it.each([
    ["I've already restarted the hub", 'restarted hub'],
    ['I already checked my spam folder', 'checked spam folder'],
    ["I've already checked my card statement, it isn't there", 'checked card statement'],
    ['I reset it already', 'reset'],
    ['already tried turning it off and on', 'turning'],
    ['I did that', undefined],
    ['How do I restart the hub?', undefined],
  ])('%j: %s', (message, expected) => {
    expect(doneAlready(message)).toBe(expected);
  });
});

describe('triedSteps', () => {
  it.each([
    ["the car won't unlock, I already turned bluetooth off and on again", ['turned bluetooth']],
    [
      "car won't unlock. tried turning bluetooth off and on, closed the app and reopened it. what now?",
      ['turning bluetooth', 'closed app', 'reopened'],
    ],
    ['unlock failed, tried 5 times and restarted the app, now what?', ['restarted app']],
    // A thing told as it is, or where the customer is, is the step that made it so.
    [
      "won't unlock. tried twice, bluetooth is on and I'm standing right by the driver's door.",
      ['turned bluetooth', 'moved driver door'],
    ],
    [
      'I already had wifi switched off, sitting next to the router',
      ['turned wifi', 'moved router'],
    ],
    // What the customer sees is the trouble, no step they took.
    ['I already restarted the router and the internet light is off', ['restarted router']],
    ['tried restarting the hub, the broadband light is off', ['restarting hub']],
    // Restarting told of "it" is restarting, whatever it is; a restart alone is a step.
    ["my internet keeps dropping out, I've tried turning it off and on", ['restarted']],
    ['I already switched it off and back on again but the light is red', ['restarted']],
    ['tried unplugging it and plugging it back in, then waited', ['restarted']],
    ['we have already power cycled everything', ['restarted']],
    ['I already restarted, still nothing', ['restarted']],
    ['tried rebooting it and resetting the app', ['restarted', 'resetting app']],
    // Where it was tried names no step.
    ['tried in the app and on the website, nothing', []],
    // How often, or what failed, is no step tried; nor is what someone else did already.
    ['tried my password too many times and now it wont let me in', []],
    ['I tried logging in and it says wrong password', []],
    ['the driver already grabbed my food but I need to cancel', []],
    ['I signed up 4 days ago and regret it already', []],
    ["the car won't unlock", []],
  ])('%j: %j', (message, expected) => {
    expect(triedSteps(message)).toEqual(expected);
  });
});

describe('doneStep', () => {
  it.each([
    // Named, the step is the one named.
    ['I already checked my spam folder', 'how do I reset my password?', 'checked spam folder'],
    // Named by nothing, it is what the question before asked how to do.
    ['I already did that', 'how do I reset my password?', 'reset password'],
    ['tried that', 'How can I restart the hub?', 'restart hub'],
    // A question that asks no way to do a thing names no step; nor does a message that says
    // nothing was done.
    ['I already did that', 'I forgot my password', undefined],
    ['why?', 'how do I reset my password?', undefined],
  ])('%j after %j: %s', (message, before, expected) => {
    expect(doneStep(message, before)).toBe(expected);
  });
});

describe('a question word with only verbs of its own', () => {
  it('leans on the question before: "how long do I have?", "when do I get it?", "how long will it take?"', () => {
    for (const message of ['how long do I have?', 'how long will it take?', 'when do I get it?']) {
      expect(isFollowUp(message), message).toBe(true);
    }
    expect(followUpChain('how long do I have?', ['I have a question about returns'])).toEqual([0]);
    expect(followUpContext('how long do I have?', ['I have a question about returns'])).toBe(
      'returns',
    );
    // A question that names its own subject still stands on its own.
    expect(isFollowUp('how long do I have to return shoes?')).toBe(false);
  });
});

describe('namedApart', () => {
  it('takes buying said with how long ago as when, not as a subject of its own', () => {
    expect(namedApart('I bought them 70 days ago though', 'I want to return my boots')).toEqual([]);
    expect(
      namedApart('I ordered it 2 weeks ago, can I exchange it?', 'I want to return my boots'),
    ).toEqual(['exchange']);
  });

  it('keeps buying said without a time', () => {
    expect(namedApart('where can I buy them?', 'do you sell tent pegs?')).toEqual(['buy']);
  });
});
