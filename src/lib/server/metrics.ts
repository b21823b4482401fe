import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const metrics = {
	/**
	 * 1, labelled with the answering instance's id: behind a load balancer a scrape (or a
	 * person with curl) can tell which of several instances it reached.
	 */
	instance: new Gauge({
		name: 'vigil_instance_info',
		help: 'The Vigil instance that answers (VIGIL_INSTANCE_ID, else host name and pid)',
		labelNames: ['instance_id'] as const,
		registers: [registry]
	}),
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
