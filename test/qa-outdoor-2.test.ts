/**
 * More answers on the help center of an outdoor-gear shop (test/fixtures/help-center-outdoor)
 * that customers found wrong: each through the whole turn, answered by the extractive responder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let app: App;

beforeAll(async () => {
  app = await openQaApp(['help-center-outdoor']);
});

afterAll(async () => {
  await app.close();
});

const askOf = askFresh('outdoor-2');
const ask = (text: string) => askOf(app, text);

describe('asked how long there is to return a thing the shop also rents', () => {
  it('is told the return window alone, not the price of renting it by the day', async () => {
    const reply = await ask('how long do I have to return a tent?');
    expect(reply.text).toMatch(
      /^Hi,\n\nYou can return most items within 60 days of delivery for a full refund/,
    );
    expect(reply.text).not.toContain('$25 a day');
    expect(reply.sources.map((s) => s.title)).toEqual(['Returns policy']);
  });

  it('asked what renting costs, is still told the price by the day', async () => {
    const reply = await ask('how much is it to rent a tent for a week?');
    expect(reply.text).toContain('A tent costs $25 a day or $90 a week');
  });
});

describe('asked whether the delivery address can be changed after ordering', () => {
  it('is told what can be done within the first hour, then after it', async () => {
    const reply = await ask('can I change my delivery address after ordering?');
    expect(reply.text).toContain(
      'You can change or cancel an order within 1 hour of placing it under My Account > Orders > Cancel order [1]. ' +
        'To change the shipping address after the first hour, contact us as soon as possible',
    );
  });
});

describe('an annoyed customer whose item arrived broken a second time', () => {
  const message = "my stove arrived broken and I'm really annoyed, this is the second time";

  it('is handed to a person, told sorry and what the help center says of items that arrive damaged', async () => {
    const reply = await ask(message);
    expect(reply.escalation.escalate).toBe(true);
    const ticketId = reply.escalation.ticketId as string;
    expect(ticketId).toMatch(/^T-/);
    expect(reply.text).toMatch(
      /^I'm sorry for the trouble\.\n\nIf your item arrived damaged or you received the wrong item, contact us within 30 days/,
    );
    expect(reply.text).toContain(
      `A member of our support team will follow up with you on this (ticket ${ticketId}).`,
    );
    expect(reply.sources.map((s) => s.title)).toContain('Damaged or wrong items');
  });

  it.each([
    ['my tent pole snapped, this is the second time', 'lifetime warranty against defects'],
    ['my parcel was lost, second time this month', 'If your tracking shows delivered'],
  ])('%j is not answered on "second time" with the times of delivery', async (text, answer) => {
    const reply = await ask(text);
    expect(reply.text).toContain(answer);
    expect(reply.text).not.toContain('Overnight shipping');
    expect(reply.sources.map((s) => s.title)).not.toContain('Shipping options and delivery times');
  });

  it('calm, and asked once, is answered as before, with no hand-over and no apology', async () => {
    const reply = await ask('my stove arrived broken');
    expect(reply.escalation.escalate).toBe(false);
    expect(reply.text).toMatch(/^Hi,\n\nIf your item arrived damaged/);
  });
});

describe('told of a small hole in a thing bought', () => {
  it.each([
    'There is a small hole in my new tent, what can I do?',
    'my sleeping bag came with a little hole in it',
  ])('%j is not told how to reset a password', async (question) => {
    const reply = await ask(question);
    expect(reply.text).not.toContain('reset link');
    expect(reply.sources.map((s) => s.title)).not.toContain('Your account');
  });
});
