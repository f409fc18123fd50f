import { DTYPES, type DType, type EngineRegistry } from '@twinprop/core';
import { TFJS_AUTO_BACKENDS as TFJS_BACKENDS, type TfjsAutoBackend as TfjsBackend } from '@twinprop/engine-tfjs/provider';
import { engines } from '@twinprop/toolkit';

/**
 * Every contender. Twinprop's engines are named by their engine-registry ids — `reference/float32`,
 * `reference/float64`, `tfjs/<backend>` — and come from the registry. `raw-tfjs/<backend>` is not
 * an engine: it is the same model written directly against tfjs ops with `tf.train.sgd` (see
 * raw-tfjs.ts), which tells what the tfjs adapter costs.
 */
export type Contender =
  | { readonly id: `reference/${DType}`; readonly kind: 'reference'; readonly dtype: DType; readonly label: string }
  | { readonly id: `tfjs/${TfjsBackend}`; readonly kind: 'tfjs'; readonly backend: TfjsBackend; readonly dtype: 'float32'; readonly label: string }
  | { readonly id: `raw-tfjs/${TfjsBackend}`; readonly kind: 'raw-tfjs'; readonly backend: TfjsBackend; readonly dtype: 'float32'; readonly label: string };
export type ContenderId = Contender['id'];
export type ContenderKind = Contender['kind'];
export type TfjsContender = Extract<Contender, { kind: 'tfjs' }>;

const DTYPE_LABELS: Readonly<Record<DType, string>> = { float32: 'f32', float64: 'f64' };

export function tfjsId(backend: TfjsBackend): TfjsContender['id'] {
  return `tfjs/${backend}`;
}

export function rawTfjsId(backend: TfjsBackend): `raw-tfjs/${TfjsBackend}` {
  return `raw-tfjs/${backend}`;
}

/** In report order: the reference engine by dtype, the tfjs engine by backend, raw tfjs by backend. */
export const CONTENDERS: readonly Contender[] = [
  ...DTYPES.map((dtype): Contender => ({ id: `reference/${dtype}`, kind: 'reference', dtype, label: `ref ${DTYPE_LABELS[dtype]}` })),
  ...TFJS_BACKENDS.map((backend): Contender => ({ id: tfjsId(backend), kind: 'tfjs', backend, dtype: 'float32', label: `tfjs ${backend}` })),
  ...TFJS_BACKENDS.map((backend): Contender => ({ id: rawTfjsId(backend), kind: 'raw-tfjs', backend, dtype: 'float32', label: `raw tfjs ${backend}` })),
];

export const CONTENDER_IDS: readonly ContenderId[] = CONTENDERS.map((c) => c.id);

export function isContenderId(value: string): value is ContenderId {
  return (CONTENDER_IDS as readonly string[]).includes(value);
}

export function describeContender(id: ContenderId): Contender {
  const contender = CONTENDERS.find((c) => c.id === id);
  if (contender === undefined) throw new RangeError(`unknown contender ${JSON.stringify(id)}`);
  return contender;
}

/** The contenders of one kind, in report order. */
export function contendersOf<K extends ContenderKind>(kind: K): Array<Extract<Contender, { kind: K }>> {
  return CONTENDERS.filter((c): c is Extract<Contender, { kind: K }> => c.kind === kind);
}

/**
 * The registry engine a contender needs loaded: itself, or — for raw tfjs, which needs the backend
 * — the tfjs engine on the same backend.
 */
export function registryIdOf(contender: Contender): string {
  switch (contender.kind) {
    case 'reference':
    case 'tfjs':
      return contender.id;
    case 'raw-tfjs':
      return tfjsId(contender.backend);
  }
}

/** Whether a contender loads in this process, and if not, why. */
export type ContenderAvailability =
  | { readonly engine: ContenderId; readonly available: true; readonly detail: string }
  | { readonly engine: ContenderId; readonly available: false; readonly reason: string };

/**
 * Which contenders load here, as the engine registry reports it (a raw tfjs contender loads where
 * the tfjs engine on its backend does). Asking about a tfjs backend loads TensorFlow.js's backends.
 */
export async function contenderAvailability(ids: readonly ContenderId[], registry: EngineRegistry = engines): Promise<ContenderAvailability[]> {
  const needed = [...new Set(ids.map((id) => registryIdOf(describeContender(id))))];
  const statuses = needed.length === 0 ? [] : await registry.availability(needed);
  return ids.map((id): ContenderAvailability => {
    const wanted = registryIdOf(describeContender(id));
    const status = statuses.find((s) => s.id === wanted);
    if (status === undefined) return { engine: id, available: false, reason: `the engine registry did not report on ${wanted}` };
    return status.available ? { engine: id, available: true, detail: status.detail } : { engine: id, available: false, reason: status.reason };
  });
}
