// A stand-in tokenizer module for test/unit/llm/tokenizerThread.test.ts: it counts one token per
// character in a worker thread and refuses to count on the main thread, so a count proves where it ran.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS file a worker requires by path
const { isMainThread } = require('node:worker_threads');

exports.countTokens = (text) => {
  if (isMainThread) throw new Error('counted on the main thread');
  return text.length;
};
