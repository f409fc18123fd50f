/** `h('div', { className: 'x' }, child, 'text')`: a small element builder for the page. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & { dataset?: Record<string, string>; style?: string } = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { dataset, style, ...rest } = props;
  Object.assign(element, rest);
  if (dataset !== undefined) for (const [k, v] of Object.entries(dataset)) element.dataset[k] = v;
  if (style !== undefined) element.setAttribute('style', style);
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** Numbers as the page shows them: 3 decimals (the Playground's losses), or 2 significant digits in e-notation when tiny. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return value.toFixed(digits);
}

/** The Playground's epoch counter: zero-padded to 6 digits with thousands separators (`000,123`). */
export function formatEpoch(epoch: number): string {
  return ('000000' + String(epoch)).slice(-6).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
