// Writes public/samples/three-classes.csv: three spiral arms of 100 points each (x1, x2, arm),
// jittered by a fixed xorshift32 stream, so the file is the same on every run.
import { writeFileSync } from 'node:fs';

let state = 2463534242;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const rows = ['x1,x2,arm'];
for (let arm = 0; arm < 3; arm++) {
  for (let i = 0; i < 100; i++) {
    const r = 0.5 + (4.5 * i) / 100;
    const t = (1.25 * i) / 100 * 2 * Math.PI + (arm * 2 * Math.PI) / 3;
    const x = r * Math.sin(t) + (random() - 0.5) * 0.6;
    const y = r * Math.cos(t) + (random() - 0.5) * 0.6;
    rows.push(`${x.toFixed(4)},${y.toFixed(4)},${['a', 'b', 'c'][arm]}`);
  }
}
writeFileSync(new URL('../public/samples/three-classes.csv', import.meta.url), rows.join('\n') + '\n');
