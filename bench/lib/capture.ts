/**
 * Records the SQL Vigil's ingest runs for one webhook by calling the real
 * `ingest()` against a pool that logs every statement (and rolls the
 * transaction back), so the same-transaction baseline replays exactly what
 * Vigil executes — including pg-boss's own INSERT for each job — and follows
 * any change to ingest.ts without being edited.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PgBoss } from 'pg-boss';
import { sha256Hex } from '#lib/server/crypto/tokens.ts';
import type { Pool } from '#lib/server/db/pool.ts';
import { ingest } from '#lib/server/ingest/ingest.ts';
import { parseFor } from '#lib/server/ingest/sources/registry.ts';
import type { TicketSource } from '#lib/server/ingest/types.ts';
import { QUEUES } from '#lib/server/jobs/queues.ts';
import { invalidateIngestSettings } from '#lib/server/routing/cache.ts';
import { FIXTURE_COUNT, payload } from './fixtures.ts';

export interface Statement {
	text: string;
	values: unknown[];
	/** Rows it returned when captured; a replay returning fewer went a different way (a conflict). */
	rows: number;
}

export interface TxTemplate {
	fixture: string;
	source: TicketSource;
	/** begin … commit, in the order ingest ran them. */
	statements: Statement[];
	/** Captured values that must be fresh in every replay (unique keys, clock readings). */
	swap: {
		runId: string;
		dedupKey: string;
		ticketId: string;
		requestId: string;
		now: Date;
		deadline: Date;
	};
}

export interface CapturedIngest {
	templates: TxTemplate[];
	/** Routing rules + SLA policy reads; ingest caches them for 5 s. */
	settingsReads: Statement[];
	/**
	 * The digest lookup `verifyIngestKey` runs per webhook, minus its `stale` column (which
	 * triggers the last_used_at write, at most once a minute per key: too rare to replay).
	 */
	keySelect: Statement;
}

export const KEY_SELECT = `select id, key_hash from ingest_keys where key_hash = $1 and revoked_at is null`;

const mirror = (queue: string) => `bench.${queue}`;

/** Where the replayed jobs go, so Vigil's workers never pick them up. */
export const MIRROR_QUEUES = Object.keys(QUEUES).map(mirror);

/** The replayed jobs land on `bench.<queue>` twins (same options, same table), never on Vigil's workers. */
function toMirrorQueues(text: string): string {
	let out = text;
	for (const queue of Object.keys(QUEUES)) out = out.replaceAll(`'${queue}'`, `'${mirror(queue)}'`);
	return out;
}

export async function startBenchBoss(url: string): Promise<PgBoss> {
	const boss = new PgBoss({
		connectionString: url,
		max: 2,
		supervise: false,
		schedule: false,
		migrate: false,
		application_name: 'vigil-bench'
	});
	boss.on('error', () => {});
	await boss.start();
	for (const [name, spec] of Object.entries(QUEUES)) await boss.createQueue(mirror(name), spec);
	return boss;
}

export async function captureIngest(
	pool: pg.Pool,
	boss: PgBoss,
	ingestKey: string
): Promise<CapturedIngest> {
	const keySelect: Statement = { text: KEY_SELECT, values: [sha256Hex(ingestKey)], rows: 1 };
	const key = await pool.query<{ id: string }>(keySelect.text, keySelect.values);
	const keyId = key.rows[0]?.id;
	if (!keyId) throw new Error('bench ingest key not found in ingest_keys');

	invalidateIngestSettings();
	const settingsReads: Statement[] = [];
	const templates: TxTemplate[] = [];
	for (let i = 0; i < FIXTURE_COUNT; i++) {
		const p = payload(i);
		const parsed = parseFor(p.endpoint, JSON.parse(p.body));
		if (!parsed.ok) throw new Error(`${p.fixture}: ${JSON.stringify(parsed.errors)}`);
		const statements: Statement[] = [];
		let ticketRow: { created_at?: unknown; sla_deadline?: unknown } | undefined;
		const recorder = {
			query: async (text: string, values?: unknown[]) => {
				const r = await pool.query(text, values);
				if (!settingsReads.some((s) => s.text === text))
					settingsReads.push({ text, values: values ?? [], rows: r.rows.length });
				return r;
			},
			connect: async () => {
				const client = await pool.connect();
				return {
					query: async (text: string, values?: unknown[]) => {
						// Rolled back: the capture leaves no ticket, audit entry or job behind.
						const r = await client.query(text === 'commit' ? 'rollback' : text, values);
						statements.push({
							text: toMirrorQueues(text),
							values: values ?? [],
							rows: r.rows.length
						});
						if (/^\s*insert into tickets/i.test(text)) ticketRow = r.rows[0];
						// Answered as the COMMIT it replaces: inTransaction refuses one that ended otherwise.
						return text === 'commit' ? { ...r, command: 'COMMIT' } : r;
					},
					// inTransaction watches the connection for errors and hands a broken one back.
					on: (event: 'error', fn: (err: Error) => void) => client.on(event, fn),
					removeListener: (event: 'error', fn: (err: Error) => void) =>
						client.removeListener(event, fn),
					release: (err?: Error | boolean) => client.release(err)
				};
			}
		};
		const requestId = randomUUID();
		const answer = await ingest(
			{ pool: recorder as unknown as Pool, boss, databricksEnabled: () => false },
			{
				endpoint: p.endpoint,
				rawBody: p.body,
				headers: {
					'content-type': 'application/json',
					'content-length': String(Buffer.byteLength(p.body)),
					'user-agent': 'node'
				},
				keyId,
				requestId
			}
		);
		if (answer.status !== 201)
			throw new Error(`${p.fixture}: capture got ${answer.status} ${JSON.stringify(answer.body)}`);
		const now = ticketRow?.created_at;
		const deadline = ticketRow?.sla_deadline;
		if (!(now instanceof Date) || !(deadline instanceof Date))
			throw new Error(`${p.fixture}: no ticket insert (created_at, sla_deadline) captured`);
		templates.push({
			fixture: p.fixture,
			source: parsed.alert.source,
			statements,
			swap: {
				runId: p.runId,
				dedupKey: parsed.alert.dedupKey,
				ticketId: answer.body.ticket_id,
				requestId,
				now,
				deadline
			}
		});
	}
	return {
		templates,
		settingsReads,
		keySelect
	};
}
