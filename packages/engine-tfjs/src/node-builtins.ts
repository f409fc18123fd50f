/**
 * Node's process object when this code runs under Node (≥ 20.16, which has
 * `process.getBuiltinModule`), else `undefined` — in a browser, or a worker without Node.
 *
 * The engine needs Node's modules (`fs`, `path`, `module`, `util`) only to find and load the
 * optional native backend and the installed `.wasm` files, so it asks for them with
 * `getBuiltinModule` when it needs them instead of importing them: nothing reachable from this
 * package's entry points imports a `node:` module, and a bundler builds it for a browser as it is.
 */
export function nodeProcess(): NodeJS.Process | undefined {
  const proc = (globalThis as { process?: Partial<NodeJS.Process> }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc as NodeJS.Process) : undefined;
}

/** {@link nodeProcess}, or an error saying that `what` needs Node.js. */
export function requireNodeProcess(what: string): NodeJS.Process {
  const proc = nodeProcess();
  if (proc === undefined) throw new Error(`${what} needs Node.js (≥ 20.16, with process.getBuiltinModule); this runtime is not Node.js`);
  return proc;
}
