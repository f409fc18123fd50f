export {};
//# sourceMappingURL=threads-worker.d.ts.map