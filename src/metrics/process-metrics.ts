/**
 * prom-client's default metrics (CPU, memory, handles, GC, and the event-loop delay `nodejs_eventloop_lag_*` from
 * `monitorEventLoopDelay`), under their standard unprefixed names so the usual Node.js dashboards read them as is.
 *
 * They describe the process, not an engine, so they are collected once per process and shared by every engine's
 * registry (through `Registry.merge`): each collection starts its own event-loop monitor and GC observer, which
 * are never stopped, and a test process creates hundreds of engines.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Resolution of the event-loop delay monitor, in ms (prom-client's default). */
const EVENT_LOOP_RESOLUTION_MS = 10;

let shared: Registry | undefined;

/** The process-wide registry of the default metrics, created on first use. */
export function processMetricsRegistry(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
  }
  return shared;
}
