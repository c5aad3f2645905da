// Operations endpoints of the app's HTTP server: `GET /healthz` (liveness, and 503 while draining
// for a restart) and `GET /metrics` (Prometheus). Added next to Probot's webhook route.

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AppMetrics } from './metrics.ts';
import type { QueueState } from './queue.ts';

export interface HealthSource {
  readonly queueState: QueueState;
  readonly shuttingDown: boolean;
}

export function operationsHandler(health: HealthSource, metrics: AppMetrics, startedAt = Date.now()) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = (request.url ?? '').split('?')[0];
    if (path === '/healthz') {
      const draining = health.shuttingDown;
      const body = JSON.stringify({
        status: draining ? 'draining' : 'ok',
        queue: health.queueState,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      });
      response.writeHead(draining ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    }
    if (path === '/metrics') {
      const text = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(request.method === 'HEAD' ? undefined : text);
      return true;
    }
    return false;
  };
}
