// Sentences that speak to an assistant rather than to a customer: "Ignore previous instructions
// and …", "You are now …", "reveal your system prompt". Help-center text never needs to say
// this, so such a sentence is never quoted — and nothing in a passage is ever followed either:
// the responder only copies sentences into fixed templates. Every gap is bounded, so a long
// passage costs linear time.
const INJECTION =
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,60}\b(?:instructions?|prompts?|rules|guidelines|directions|guardrails)\b|\bsystem prompt\b|\byou are now\b|\bnew instructions\b|\bdeveloper mode\b|\bjailbreak\b|\bact as (?:an?|the) (?:ai|assistant|model|chatbot)\b|<\/?(?:system|assistant|instructions?)>/i;

/** Whether a sentence addresses an AI assistant with instructions. */
export function looksLikeInjection(sentence: string): boolean {
  return INJECTION.test(sentence);
}
