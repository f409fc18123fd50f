import { describe, expect, it } from 'vitest';
import { summarizeHeapProfile, summarizeProfile } from './profile.js';

describe('profiles', () => {
  it('charges each sample its time delta and splits functions by caller', () => {
    const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: 'file:///x/dist/matrix.js', lineNumber });
    const cpu = summarizeProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('forward'), children: [4] },
        { id: 3, callFrame: frame('backward'), children: [5] },
        { id: 4, callFrame: frame('gemm', 38) },
        { id: 5, callFrame: frame('gemm', 38) },
      ],
      samples: [4, 5, 5, 2],
      timeDeltas: [1000, 1000, 2000, 1000],
    });
    expect(cpu.totalMs).toBe(5);
    expect(cpu.entries[0]).toEqual({ functionName: 'gemm ← backward', location: 'matrix.js:39', selfMs: 3, percent: 60 });
    expect(cpu.entries.map((e) => e.functionName)).toEqual(['gemm ← backward', 'gemm ← forward', 'forward']);
    const heap = summarizeHeapProfile(
      {
        head: {
          callFrame: frame('(root)'),
          selfSize: 0,
          children: [{ callFrame: frame('trainStep', 9), selfSize: 3200, children: [{ callFrame: frame('some'), selfSize: 800, children: [] }] }],
        },
      },
      100,
    );
    expect(heap).toEqual([
      { site: 'trainStep (matrix.js:10)', bytesPerStep: 32 },
      { site: 'some ← trainStep (matrix.js:1)', bytesPerStep: 8 },
    ]);
  });
});
