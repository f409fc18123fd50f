import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { multiplyPanels, TILE_ROWS } from './matrix.js';
import { B_OFFSET, BUFFERS, CHUNKS, claimChunk, DEAD, DONE, FAILED, FAULT, FAULT_EXIT, FAULT_NONE, FAULT_THROW, JOB, JOB_EXIT, K, M, N, PANELS_PER_CHUNK, SEQ, STARTED, tagOf, } from './threads-protocol.js';
const { control: controlBuffer, port } = workerData;
const control = new Int32Array(controlBuffer);
let buffers = { generation: 0, panels: undefined, scratch: new Float64Array(0) };
process.on('exit', () => {
    Atomics.add(control, DEAD, 1);
    Atomics.notify(control, DONE);
});
/** The newest panels and scratch the pool has posted (they are posted before the product that needs them is published). */
function refreshBuffers() {
    const wanted = Atomics.load(control, BUFFERS);
    while (buffers.generation !== wanted) {
        const received = receiveMessageOnPort(port);
        if (received === undefined)
            throw new Error(`buffers of generation ${wanted} were announced but not posted`);
        buffers = received.message;
    }
}
function takeChunks(seq) {
    const m = Atomics.load(control, M);
    const n = Atomics.load(control, N);
    const k = Atomics.load(control, K);
    const bOffset = Atomics.load(control, B_OFFSET);
    const panelsPerChunk = Atomics.load(control, PANELS_PER_CHUNK);
    const chunks = Atomics.load(control, CHUNKS);
    // Seqlock: the parameters belong to `seq` only if SEQ did not move while they were read.
    if (Atomics.load(control, SEQ) !== seq)
        return;
    refreshBuffers();
    const { panels, scratch } = buffers;
    const tag = tagOf(seq);
    const rowPanels = Math.ceil(m / TILE_ROWS);
    for (let chunk = claimChunk(control, tag, chunks); chunk >= 0; chunk = claimChunk(control, tag, chunks)) {
        try {
            const fault = Atomics.exchange(control, FAULT, FAULT_NONE);
            if (fault === FAULT_EXIT)
                process.exit(1);
            if (fault === FAULT_THROW)
                throw new Error('a planted fault (ThreadPool.plantFault)');
            if (panels === undefined)
                throw new Error('no panels were posted');
            const first = chunk * panelsPerChunk;
            multiplyPanels(panels, bOffset, m, n, k, first, Math.min(rowPanels, first + panelsPerChunk), scratch);
        }
        catch (error) {
            port.postMessage({ error: error instanceof Error ? error.message : String(error) });
            Atomics.store(control, FAILED, 1);
        }
        Atomics.add(control, DONE, 1);
        Atomics.notify(control, DONE);
    }
}
Atomics.add(control, STARTED, 1);
for (let seen = -1;;) {
    Atomics.wait(control, SEQ, seen);
    const seq = Atomics.load(control, SEQ);
    seen = seq;
    // Odd: the pool is writing a job; wait for it to be published.
    if ((seq & 1) === 1 || seq === 0)
        continue;
    if (Atomics.load(control, JOB) === JOB_EXIT)
        break;
    takeChunks(seq);
}
//# sourceMappingURL=threads-worker.js.map