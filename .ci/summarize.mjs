// Adds up the vitest summaries of every package in a turbo log and prints one closing line:
// "<label>: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const [log, label] = process.argv.slice(2);
// eslint-disable-next-line no-control-regex
const text = readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let files = 0;
for (const line of text.split('\n')) {
  const m = /^\S*:test:\s+Tests\s+(.*)\(\d+\)\s*$/.exec(line.trim()) ?? /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (m === null) continue;
  files++;
  for (const part of m[1].split('|')) {
    const n = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
    if (n === null) continue;
    const key = n[2] === 'todo' ? 'skipped' : n[2];
    totals[key] += Number(n[1]);
  }
}
console.log(`\n${files} packages tested on ${label}`);
console.log(`${label}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
