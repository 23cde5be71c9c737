// Summarises a V8 CPU profile (node --cpu-prof, or BENCH_CPU_PROFILE_DIR for the end-to-end bench):
//   node scripts/cpuProfileSummary.mjs FILE.cpuprofile [--from MS] [--to MS] [--match REGEX] [--top N]
// prints busy time, the functions with the most self and inclusive time in the window, the files
// they live in, and busy milliseconds per 50 ms of wall time (to see which phase is CPU-bound).
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error(
    'Usage: node scripts/cpuProfileSummary.mjs FILE.cpuprofile [--from MS] [--to MS] [--match REGEX] [--top N]',
  );
  process.exit(2);
}
const flag = (name, fallback) => {
  const i = rest.indexOf(name);
  return i >= 0 && rest[i + 1] !== undefined ? rest[i + 1] : fallback;
};
const from = Number(flag('--from', 0));
const to = Number(flag('--to', Infinity));
const match = new RegExp(flag('--match', '.'));
const top = Number(flag('--top', 30));

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const shortUrl = (url) => url.split('/').slice(-2).join('/');
const label = (n) =>
  `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map();
const inclusive = new Map();
const byFile = new Map();
const perBucket = new Map();
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
let at = profile.startTime;
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i];
  const ms = (at - profile.startTime) / 1000;
  // A sample stands for the time until the next one.
  const weight = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const node = nodes.get(profile.samples[i]);
  if (ms < from || ms >= to || node.callFrame.functionName === '(idle)') continue;
  busy += weight;
  add(self, label(node), weight);
  add(byFile, shortUrl(node.callFrame.url) || '(native)', weight);
  add(perBucket, Math.floor(ms / 50) * 50, weight);
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parent.get(id)) {
    const key = label(nodes.get(id));
    if (!seen.has(key)) add(inclusive, key, weight);
    seen.add(key);
  }
}
const table = (map) =>
  [...map]
    .filter(([key]) => match.test(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${key}`)
    .join('\n');
console.log(`busy ${busy.toFixed(0)} ms between ${from} and ${to === Infinity ? 'the end' : to} ms`);
console.log(`\nself time\n${table(self)}`);
console.log(`\ninclusive time\n${table(inclusive)}`);
console.log(`\nby file\n${table(byFile)}`);
console.log(
  `\nbusy ms per 50 ms of wall time\n${[...perBucket]
    .sort((a, b) => a[0] - b[0])
    .map(([start, ms]) => `${start}:${ms.toFixed(0)}`)
    .join(' ')}`,
);
