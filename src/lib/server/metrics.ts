import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const metrics = {
	webhooks: new Counter({
		name: 'vigil_webhooks_total',
		help: 'Webhook requests by endpoint and outcome',
		labelNames: ['endpoint', 'outcome'] as const,
		registers: [registry]
	}),
	ingestSeconds: new Histogram({
		name: 'vigil_ingest_seconds',
		help: 'Time to store, parse, dedup and create a ticket',
		buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
		registers: [registry]
	})
};
