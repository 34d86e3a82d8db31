import type { FastifyInstance } from 'fastify';
import type { Core } from '@earshot/core';

/** Prometheus text exposition: request counts and latency by route, job queue depth by state. */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, { sum: number; count: number }>();
  readonly #counters = new Map<string, number>();

  constructor(private readonly core: Core) {}

  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      const key = `method="${req.method}",route="${route}",status="${reply.statusCode}"`;
      this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
      const d = this.#durations.get(route) ?? { sum: 0, count: 0 };
      d.sum += reply.elapsedTime / 1000;
      d.count += 1;
      this.#durations.set(route, d);
    });
  }

  inc(name: string, by = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + by);
  }

  async render(): Promise<string> {
    const out: string[] = [];
    out.push('# HELP earshot_http_requests_total HTTP requests by route and status.', '# TYPE earshot_http_requests_total counter');
    for (const [k, v] of this.#requests) out.push(`earshot_http_requests_total{${k}} ${v}`);
    out.push('# HELP earshot_http_request_seconds Time spent answering, by route.', '# TYPE earshot_http_request_seconds summary');
    for (const [route, d] of this.#durations) {
      out.push(`earshot_http_request_seconds_sum{route="${route}"} ${d.sum.toFixed(6)}`, `earshot_http_request_seconds_count{route="${route}"} ${d.count}`);
    }
    for (const [k, v] of this.#counters) out.push(`# TYPE earshot_${k} counter`, `earshot_${k} ${v}`);
    const jobs = await this.core.jobCounts();
    out.push('# HELP earshot_jobs Jobs not yet done, by name and state.', '# TYPE earshot_jobs gauge');
    for (const j of jobs) out.push(`earshot_jobs{name="${j.name}",state="${j.state}"} ${j.count}`);
    const mem = process.memoryUsage();
    out.push('# TYPE earshot_process_resident_memory_bytes gauge', `earshot_process_resident_memory_bytes ${mem.rss}`);
    return `${out.join('\n')}\n`;
  }
}
