import type { AllocationSite, ProfileEntry } from './report/types.js';

/** The parts of a V8 CPU profile (`Profiler.stop()`, or a `.cpuprofile` file) that we read. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

function location(url: string, line: number): string {
  if (url === '') return '';
  const file = url.slice(url.lastIndexOf('/') + 1);
  return `${file}:${line + 1}`;
}

/**
 * Self time per function, split by caller (`gemm ← multiplyTransposedA`), largest first. Each
 * sample is charged the time delta that precedes it; `top` entries are kept.
 */
export function summarizeProfile(profile: CpuProfile, top = 15): { totalMs: number; entries: ProfileEntry[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalUs = 0;
  samples.forEach((id, i) => {
    const dt = Math.max(0, deltas[i] ?? 0);
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const grouped = new Map<string, { functionName: string; location: string; us: number }>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName;
    const caller = byId.get(parent.get(id) ?? -1)?.callFrame.functionName;
    const functionName = name.startsWith('(') || caller === undefined || caller === '' || caller === '(root)' ? name : `${name} ← ${caller}`;
    const loc = location(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${functionName}@${loc}`;
    const entry = grouped.get(key) ?? { functionName, location: loc, us: 0 };
    entry.us += us;
    grouped.set(key, entry);
  }
  const entries = [...grouped.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ functionName: e.functionName, location: e.location, selfMs: e.us / 1000, percent: totalUs > 0 ? (100 * e.us) / totalUs : 0 }));
  return { totalMs: totalUs / 1000, entries };
}

/** The parts of a V8 sampling heap profile (`HeapProfiler.stopSampling()`) that we read. */
export interface HeapProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapProfileNode[];
}
export interface HeapProfile {
  readonly head: HeapProfileNode;
}

/** Sampled bytes per function (split by caller), divided by `steps`; largest first, `top` kept. */
export function summarizeHeapProfile(profile: HeapProfile, steps: number, top = 6): AllocationSite[] {
  const sites = new Map<string, number>();
  const walk = (node: HeapProfileNode, caller: string): void => {
    const name = node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName;
    // The profiler's own messages (node:inspector) are not the steps' allocations.
    if (node.selfSize > 0 && !node.callFrame.url.startsWith('node:')) {
      const loc = location(node.callFrame.url, node.callFrame.lineNumber);
      const key = `${caller === '' || caller === '(root)' ? name : `${name} ← ${caller}`}${loc === '' ? '' : ` (${loc})`}`;
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, name);
  };
  walk(profile.head, '');
  return [...sites]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([site, bytes]) => ({ site, bytesPerStep: bytes / steps }));
}
