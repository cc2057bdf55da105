/**
 * Answers on the help center of a car-sharing service (test/fixtures/help-center-carshare) that
 * customers found wrong, each through the whole turn, answered by the extractive responder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let carshare: App;

beforeAll(async () => {
  carshare = await openQaApp(['help-center-carshare']);
});

afterAll(async () => {
  await carshare?.close();
});

const askOf = askFresh('carshare');
const ask = (text: string) => askOf(carshare, text);

describe('telling their age', () => {
  it('"im 20, turning 21" asks about the age limit, and "march" is no slip of "match"', async () => {
    const reply = await ask('im 20, turning 21 in march. can i sign up now or do i have to wait');
    expect(reply.text).toContain('you must be at least 21 years old');
  });
});

describe("a customer's word the help center says otherwise", () => {
  it('"zero bars" is no signal', async () => {
    const reply = await ask(
      'the car is parked in an underground garage and I have zero bars down there. am I going to be able to get in?',
    );
    expect(reply.text).toContain('unlocking also works in underground garages with no signal');
  });

  it('the "blue area" on the map is the zone', async () => {
    const reply = await ask(
      'left the car a few blocks outside the blue area on the map. is that a problem?',
    );
    expect(reply.text).toContain('we charge a $75 relocation fee');
  });

  it('a reservation is a booking, and a car never picked up is a no-show', async () => {
    const reply = await ask(
      'totally forgot about my reservation yesterday and never picked up the car. what did that cost me',
    );
    expect(reply.text).toContain("capped at one day's rate for that car");
  });

  it('a car that reeks of cigarettes smells of smoke', async () => {
    const reply = await ask(
      'the car reeks of cigarettes and there are mcdonalds bags all over the back seat',
    );
    expect(reply.text).toContain('Trip > Report an issue > Cleanliness');
  });

  it('sunglasses left in the car are an item', async () => {
    const reply = await ask('pretty sure I left my sunglasses in the car yesterday');
    expect(reply.text).toContain("We'll check the car within 24 hours");
  });

  it('fighting a ticket is contesting it', async () => {
    const reply = await ask(
      'that ticket is bogus, the sign said I could park there. how do I fight it',
    );
    expect(reply.text).toContain('transfer the ticket into your name');
  });

  it('a guide dog is a service animal, and its fur is hair', async () => {
    const reply = await ask(
      'my guide dog goes everywhere with me. am i going to get hit with a fur fee',
    );
    expect(reply.text).toContain('never charge the pet hair fee for a service animal');
  });

  it('one bill a month is an invoice', async () => {
    const reply = await ask(
      'our accountant wants one bill a month instead of a card charge every trip, can we do that',
    );
    expect(reply.text).toContain('one invoice at the start of each month');
  });

  it('what is taken to the vet is a pet', async () => {
    const reply = await ask('taking my golden retriever to the vet, can he come');
    expect(reply.text).toContain('ride in a carrier or on a seat cover');
  });
});

describe('telling a span of time', () => {
  it('a toll from 2 months ago is answered with how long toll charges can take to appear', async () => {
    const reply = await ask('why am I getting charged for a highway toll from 2 months ago??');
    expect(reply.text).toContain('toll charges can appear up to 60 days');
  });
});

describe('not wanting to pay while away', () => {
  it('"while I\'m gone" asks to pause the plan', async () => {
    const reply = await ask(
      "I'm going abroad for two months and really don't want to pay for Plus while I'm gone",
    );
    expect(reply.text).toContain('Plus or Commuter plan for 1 to 3 months');
  });
});

describe('telling in a first message what was tried', () => {
  it('is not told to do it again: the next step is', async () => {
    const reply = await ask(
      "the car won't unlock, I already turned bluetooth off and on and closed the app and reopened it",
    );
    expect(reply.text).not.toContain('Turn Bluetooth off and on again');
    expect(reply.text).not.toContain('Close the app completely and reopen it');
    expect(reply.text).toContain("Move closer to the car, ideally next to the driver's door");
  });

  it('tried every step of the list, is told to call Support', async () => {
    const reply = await ask(
      "car won't unlock. tried turning bluetooth off and on, closed the app and reopened it, and " +
        'moved right next to the door. what now?',
    );
    expect(reply.text).not.toContain('Turn Bluetooth off and on again');
    expect(reply.text).not.toContain('Move closer to the car');
    expect(reply.text).toContain('call Support at 1-888-555-0144');
  });
});

describe('telling what was tried without a verb for each step', () => {
  it('"bluetooth is on" and "standing right by the door" are steps done: what comes after them is next', async () => {
    const reply = await ask(
      "car won't unlock. tried loads of times, bluetooth is on and I'm standing right by the driver's door. help",
    );
    expect(reply.text).not.toContain('Turn Bluetooth off and on again');
    expect(reply.text).not.toContain('Move closer to the car');
    expect(reply.text).toContain('Our team can unlock most cars remotely');
  });
});
