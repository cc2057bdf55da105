export { FakeClock, flushPromises } from './fake-clock.js';
export { captureLogs } from './log-capture.js';
export type { CapturedLogs } from './log-capture.js';
export { startFakeOpenAi, type FakeOpenAi, type FakeOpenAiOptions } from './fake-openai-server.js';
export { escalationMistakes, type LabelledMessage } from './labelled-messages.js';
