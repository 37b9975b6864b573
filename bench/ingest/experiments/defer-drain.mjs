/**
 * Experiment (not a fix; core owns the real one): start the inbound group-commit drain on the
 * next macrotask, so that webhook requests already received in this event-loop turn join the
 * same transaction. Without it, on SQLite (synchronous driver, no I/O wait inside the
 * transaction) every webhook gets a transaction of its own.
 *
 *   node bench/ingest/run.mjs --server-arg=--import=./bench/ingest/experiments/defer-drain.mjs
 *
 * Patches InboundPipeline.prototype.ingest of core/dist; obsolete once core defers the drain.
 */
const { InboundPipeline } = await import(new URL('../../../core/dist/core/src/channels/inbound.pipeline.js', import.meta.url).href);

InboundPipeline.prototype.ingest = function (jobs) {
  if (!jobs.some((j) => j.messages.length || j.statuses.length || j.rawPayload)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    this.queue.push({ jobs, resolve, reject });
    if (!this.running && !this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        if (!this.running) void this.drain();
      });
    }
  });
};
