import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** What the Jira event log looks like now (the last 24 hours), read from PostgreSQL at scrape time. */
export interface JiraEventSnapshot {
	counts: { direction: string; state: string; count: number }[];
	lagP50Seconds: number | null;
	lagP95Seconds: number | null;
}

// Set by the Jira integration when it starts: the log is shared by every instance, so any
// instance's scrape reports the same numbers. One read serves both gauges of a scrape.
let jiraEventSource: (() => Promise<JiraEventSnapshot>) | null = null;
let jiraSnapshot: { at: number; value: Promise<JiraEventSnapshot> } | null = null;

export function setJiraEventSource(source: () => Promise<JiraEventSnapshot>): () => void {
	jiraEventSource = source;
	jiraSnapshot = null;
	// A runtime that stops takes away only its own source, not one a newer runtime set.
	return () => {
		if (jiraEventSource !== source) return;
		jiraEventSource = null;
		jiraSnapshot = null;
	};
}

async function jiraEvents(): Promise<JiraEventSnapshot | null> {
	if (!jiraEventSource) return null;
	if (!jiraSnapshot || Date.now() - jiraSnapshot.at > 1000)
		jiraSnapshot = { at: Date.now(), value: jiraEventSource() };
	return jiraSnapshot.value.catch(() => null);
}

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
	jiraEvents: new Gauge({
		name: 'vigil_jira_events',
		help: 'Jira event-log entries of the last 24 hours by direction (inbound, poll, outbound) and state',
		labelNames: ['direction', 'state'] as const,
		registers: [registry],
		async collect() {
			const snapshot = await jiraEvents();
			this.reset();
			for (const c of snapshot?.counts ?? [])
				this.set({ direction: c.direction, state: c.state }, c.count);
		}
	}),
	jiraEventLag: new Gauge({
		name: 'vigil_jira_event_lag_seconds',
		help: 'Arrival to processed of the Jira deliveries and polled issues processed in the last 24 hours',
		labelNames: ['quantile'] as const,
		registers: [registry],
		async collect() {
			const snapshot = await jiraEvents();
			this.reset();
			if (snapshot?.lagP50Seconds != null) this.set({ quantile: '0.5' }, snapshot.lagP50Seconds);
			if (snapshot?.lagP95Seconds != null) this.set({ quantile: '0.95' }, snapshot.lagP95Seconds);
		}
	}),
	ginMerges: new Counter({
		name: 'vigil_gin_merges_total',
		help: "Merges of the text indexes' pending lists beside ingest, by outcome (merged; skipped: another instance was merging; failed)",
		labelNames: ['outcome'] as const,
		registers: [registry]
	}),
	ingestSeconds: new Histogram({
		name: 'vigil_ingest_seconds',
		help: 'Time to store, parse, dedup and create a ticket',
		buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
		registers: [registry]
	})
};

/** How many MCP sessions are open, across instances (they live in PostgreSQL); set by the MCP endpoint. */
let countMcpSessions: (() => Promise<number>) | null = null;
export function countMcpSessionsWith(count: () => Promise<number>): void {
	countMcpSessions = count;
}

export const mcpMetrics = {
	/** name: a known tool or prompt, a resource's template, else `unknown` (a bounded set). */
	calls: new Counter({
		name: 'vigil_mcp_calls_total',
		help: 'MCP tool calls, resource reads and prompts by kind, name and outcome (ok, error)',
		labelNames: ['kind', 'name', 'outcome'] as const,
		registers: [registry]
	}),
	seconds: new Histogram({
		name: 'vigil_mcp_call_seconds',
		help: 'Time to answer an MCP tool call, resource read or prompt',
		labelNames: ['kind', 'name'] as const,
		buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
		registers: [registry]
	}),
	logFailures: new Counter({
		name: 'vigil_mcp_log_failures_total',
		help: 'MCP calls answered but not written to the access log (the database refused)',
		registers: [registry]
	}),
	streams: new Gauge({
		name: 'vigil_mcp_streams_open',
		help: 'MCP event streams (GET /mcp) this instance holds open',
		registers: [registry]
	}),
	sessions: new Gauge({
		name: 'vigil_mcp_sessions_open',
		help: 'MCP sessions open (not ended, not idle past their limit), all instances',
		registers: [registry],
		async collect() {
			// A scrape while the database is away still answers, without this one number.
			if (countMcpSessions) this.set(await countMcpSessions().catch(() => Number.NaN));
		}
	})
};
