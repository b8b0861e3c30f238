import { DefaultLogger, Runtime } from '@temporalio/worker';

export interface WorkerRuntimeOptions {
  /** The SDK's own log level: WARN, unless we debug. */
  logLevel: 'DEBUG' | 'WARN';
  /**
   * `host:port` where the SDK serves its Prometheus metrics (worker task slots, poll and
   * schedule-to-start latencies, workflow and activity outcomes) at `/metrics`; absent, none.
   */
  metricsAddress?: string | undefined;
}

/**
 * Installs the Temporal SDK's process-wide runtime once, before any worker or native connection.
 * We stop the workers ourselves, in order, on SIGINT/SIGTERM, so the SDK handles no signal.
 */
export function installWorkerRuntime(options: WorkerRuntimeOptions): void {
  Runtime.install({
    logger: new DefaultLogger(options.logLevel),
    shutdownSignals: [],
    ...(options.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsAddress } } } } : {}),
  });
}

/** The URL of the SDK's Prometheus exposition on `metricsAddress`. */
export function workerMetricsUrl(metricsAddress: string): string {
  const [host, port] = [metricsAddress.slice(0, metricsAddress.lastIndexOf(':')), metricsAddress.slice(metricsAddress.lastIndexOf(':') + 1)];
  // A wildcard bind address is reached through the loopback interface.
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
  return `http://${reachable}:${port}/metrics`;
}
