import pg from 'pg';
import { startServer, type RunningServer } from '../../support/server.ts';

/**
 * Vigil's production server as a child process on the given database, watched for crashes:
 * `crashes` lists every exit the test did not ask for (with the end of its output), and
 * `ensureRunning` starts a new one after such an exit so later trials still measure something.
 */
export interface WatchedVigil {
	url(): string;
	server(): RunningServer;
	alive(): boolean;
	crashes: { code: number | null; signal: NodeJS.Signals | null; tail: string }[];
	ensureRunning(): Promise<void>;
	stop(): Promise<number | null>;
}

export async function startWatchedVigil(
	databaseUrl: string,
	env: Record<string, string> = {}
): Promise<WatchedVigil> {
	const crashes: WatchedVigil['crashes'] = [];
	let stopping = false;
	let current: RunningServer;
	const launch = async () => {
		const s = await startServer(databaseUrl, env);
		s.proc.once('exit', (code, signal) => {
			if (!stopping) crashes.push({ code, signal, tail: s.output().slice(-3000) });
		});
		current = s;
	};
	await launch();
	return {
		url: () => current.url,
		server: () => current,
		alive: () => current.proc.exitCode === null && current.proc.signalCode === null,
		crashes,
		async ensureRunning() {
			if (current.proc.exitCode === null && current.proc.signalCode === null) return;
			await launch();
		},
		async stop() {
			stopping = true;
			return current.stop();
		}
	};
}

/** Which of these ticket ids exist (read straight from PostgreSQL). */
export async function existingTickets(databaseUrl: string, ids: string[]): Promise<Set<string>> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		const r = await client.query<{ id: string }>(
			`select id from tickets where id = any($1::text[])`,
			[ids]
		);
		return new Set(r.rows.map((row) => row.id));
	} finally {
		await client.end();
	}
}

/**
 * Tickets whose triage has not run yet, and of those the orphans: no triage (or enrichment)
 * job left that could still run it (created, retry or active), i.e. lost work.
 */
export async function pendingTriage(
	databaseUrl: string
): Promise<{ pending: number; orphaned: number }> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		const r = await client.query<{ pending: number; orphaned: number }>(
			`select count(*)::int as pending,
				(count(*) filter (where not exists (
					select 1 from pgboss.job j
					where j.name in ('triage.analyze', 'databricks.enrich-run')
						and j.data->>'ticketId' = t.id and j.state in ('created', 'retry', 'active')
				)))::int as orphaned
			from tickets t where t.triage_status = 'pending'`
		);
		return r.rows[0]!;
	} finally {
		await client.end();
	}
}

/** The first few 'unhandled error' log lines of a server's output (why a request got a 500). */
export function unhandledErrors(output: string, max = 3): string {
	return output
		.split('\n')
		.filter((l) => l.includes('unhandled error'))
		.slice(0, max)
		.map((l) => l.slice(0, 1500))
		.join('\n');
}
