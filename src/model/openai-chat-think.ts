/** Leaves out a reasoning block that opens a streamed answer (see {@link createThinkFilter}). */
export interface ThinkFilter {
  /** The part of the next piece of text that is answer, `''` while it is (or may be) reasoning. */
  push(text: string): string;
  /** Ends the answer: text held back that turned out not to open a reasoning block. */
  end(): string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Reasoning models served without a reasoning parser (DeepSeek R1 or Qwen 3 under vLLM,
 * llama.cpp's server, LM Studio, older Ollama) write their thinking into the answer itself, as
 * `<think>…</think>` before the answer. That is not for the customer, nor for the reply stored:
 * the block is left out, and the blank lines after it. Only a block that opens the answer is:
 * `<think>` written further on is the model's words. An answer that never closes its block has
 * nothing to say yet — it comes out empty.
 *
 * Servers that do parse reasoning send it apart (`reasoning_content`), which the adapter does not
 * read.
 *
 * @example
 * const think = createThinkFilter();
 * think.push('<think>The customer'); // ''
 * think.push(' asks…</think>\n\nYes.'); // 'Yes.'
 */
export function createThinkFilter(): ThinkFilter {
  let state: 'start' | 'thinking' | 'after' | 'answer' = 'start';
  let held = '';

  function afterBlock(rest: string): string {
    const answer = rest.trimStart();
    if (answer === '') return '';
    state = 'answer';
    return answer;
  }

  function thinking(text: string): string {
    held += text;
    const close = held.indexOf(CLOSE);
    if (close === -1) {
      // Only what may be the start of a split `</think>` is kept.
      held = held.slice(-(CLOSE.length - 1));
      return '';
    }
    const rest = held.slice(close + CLOSE.length);
    held = '';
    state = 'after';
    return afterBlock(rest);
  }

  return {
    push(text) {
      switch (state) {
        case 'answer':
          return text;
        case 'after':
          return afterBlock(text);
        case 'thinking':
          return thinking(text);
        case 'start': {
          held += text;
          const lead = held.trimStart();
          // Still maybe `<think>`, split across pieces (or only blank so far).
          if (OPEN.startsWith(lead)) return '';
          if (!lead.startsWith(OPEN)) {
            state = 'answer';
            const answer = held;
            held = '';
            return answer;
          }
          state = 'thinking';
          held = '';
          return thinking(lead.slice(OPEN.length));
        }
      }
    },
    end() {
      const rest = state === 'start' ? held : '';
      held = '';
      state = 'answer';
      return rest;
    },
  };
}
