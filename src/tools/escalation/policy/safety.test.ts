import { describe, expect, it } from 'vitest';
import { evaluateEscalation } from './index.js';

const decide = (message: string) =>
  evaluateEscalation({ message, history: [], noKnowledgeStreak: 0, noKnowledgeNow: false });

describe('safety incidents', () => {
  it.each([
    'The charger you sold me caught fire and burned my hand',
    'The battery exploded and my child was injured',
    'it gave me an electric shock',
    'I got a shock off the kettle when I switched it on',
    'I got food poisoning from my order',
    'My son had an allergic reaction to the snack you delivered',
    'my daughter ended up in hospital after eating your cake',
    'hurt my back on the leg press yesterday',
    'my son got burned by the kettle',
    'the product gave my daughter a rash, she is in hospital',
    'my child swallowed a battery from the remote',
    'my dog ate the packaging and is vomiting',
    'my kettle exploded and my son got burned',
    'my little girl was scalded by the tap',
    // The writer's own injury, said of them or of a part of their body
    'The candle I bought from you exploded and set my curtains on fire, my hand got burned',
    'the kettle leaked and my arm was badly scalded',
    'I got burned when the candle jar cracked',
    // Someone else's body, named by whose it is
    "The stove burned my son's hand",
    "It burned my daughter's arm badly",
    "my wife's hand was burned by the stove",
    "the heater caught fire and burned my son's hand",
    "the lantern scalded my little girl's fingers",
    "the blade cut my husband's thumb",
    'it burned my kids hand',
    "the stove burned the baby's arm",
    "my mother's face is badly burned",
    // A part of the body harmed with no "was" or "got" between
    "my child's skin blistered after using the sun cream",
    'her hands blistered from the handle',
    // Not sure of it, but telling of a harm
    "I think the heater may have burned my daughter's arm",
    // A bone or a joint
    'slipped on the wet floor in your changing room and think ive broken my wrist',
    'my son fractured his arm on the trampoline you sold us',
    'twisted my ankle on the broken step outside your shop',
    "my wife's wrist might be broken after the fall on your stairs",
  ])('sends %j to the safety queue, urgent: someone was hurt', (message) => {
    expect(decide(message)).toMatchObject({
      escalate: true,
      priority: 'urgent',
      category: 'safety',
    });
  });

  it.each([
    'Smoke came out of the heater when I turned it on',
    "There's a burning smell coming from the charger",
    'the plug is sparking',
    'it started smoking after an hour',
    'Nobody was hurt but the toaster burst into flames',
    'I smell gas near the cooker you installed',
    "There's a smell of gas in the kitchen since the fitting",
    'I think there is a gas leak after your engineer visited',
    'the carbon monoxide alarm went off after the boiler service',
    'our CO detector keeps going off since you fitted the boiler',
    'exposed live wires hanging from the pole outside after your van hit it',
    'the socket cover fell off and there is bare wiring showing',
  ])('sends %j to the safety queue, high: a danger that hurt no one', (message) => {
    expect(decide(message)).toMatchObject({ escalate: true, priority: 'high', category: 'safety' });
  });

  it('names whose hand was hurt, and leaves a fire that hurt someone no less urgent', () => {
    const decision = decide("the heater caught fire and burned my son's hand");
    expect(decision.reasons[0]).toMatchObject({
      signal: 'safety',
      detail: `safety incident, someone hurt: "caught fire", "burned my son's hand"`,
    });
    expect(decision.harmed).toBe(true);
  });

  it('names what was reported, for the person who takes the ticket', () => {
    expect(decide('The charger caught fire and burned my hand').reasons[0]).toMatchObject({
      signal: 'safety',
      detail: 'safety incident, someone hurt: "caught fire", "burned my hand"',
    });
  });

  it.each([
    'How do I set up my Fire TV stick?',
    'I had a fire tv stick in my order',
    'Where is the fire exit at your club?',
    'Please fire the courier',
    'how do I burn a playlist to a CD?',
    "I'm burnt out on all these emails",
    'Do you sell shock absorbers for this bike?',
    'Can you deliver the shock absorbers by Friday?',
    'My battery is low, where can I charge it?',
    'Do you sell smoke detectors?',
    'Is smoking allowed in the cars?',
    'the car smells like smoke',
    "I'm deathly allergic to peanuts, is it safe to order through you",
    'What happens if the battery catches fire?',
    'Is there a risk of explosion?',
    'Will it hurt my credit score?',
    'my inbox exploded with notifications',
    'no one was injured, the box was just dented',
    'my son ate all the cake, can I order another?',
    'my daughter got a rash of emails from you',
    'my husband was sick of waiting so he cancelled',
    'is the hospital discount still available?',
    'Do you refund gas prices for the delivery?',
    'We ran out of gas on the way to collect it',
    'Does the cooker run on gas?',
    'Do you sell carbon monoxide alarms?',
    'My carbon monoxide alarm is beeping, how do I change its battery?',
    "I don't smell gas any more, thanks",
    "it didn't burn anyone",
    'could it burn my hand?',
    'could it have burned my hand?',
    "the handle got hot, it could've burned my son's hand",
    'would the stove have burned my hand if I had touched it?',
    "could it burn my son's hand?",
    "it never burned my son's hand, it just felt warm",
    "what if it burned my daughter's arm?",
    "nobody's hand was burned, the box was just dented",
    "I burned my son's dinner on the new stove",
    "I cut my son's hair with your clippers",
    'are you going to cut me off? im behind but im paying back what i can each month',
    'the agent cut me short before I could ask about my bill',
    'will you cut us off if we miss a payment?',
    'the table arrived with a broken leg',
    'is live chat available at the weekend?',
    'the router has a loose cable, how do I reconnect it?',
    'my phone screen is broken, can I claim on the insurance?',
    'what if I break my arm while the membership is active, can I pause it?',
  ])('does not read %j as a safety incident', (message) => {
    const decision = decide(message);
    expect(decision.reasons.map((r) => r.signal)).not.toContain('safety');
    expect(decision.escalate).toBe(false);
  });
});
