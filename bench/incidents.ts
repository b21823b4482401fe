/**
 * `node bench/incidents.ts`: what grouping costs in a storm. 200 concurrent webhooks of
 * one cause (one offline integration runtime, 200 runs of 17 pipelines) through the real
 * ingest path, first with grouping off (the same-run baseline: 200 tickets), then on (one
 * incident and 199 grouped failures), alternating for BENCH_ROUNDS rounds. Reported: the
 * median time until every webhook is answered, the ratio on / off, the 503s a sender
 * would have had to retry, and (on) the time until the incident counts all 199.
 * Timings are reported, never asserted: tests check behaviour, not speed.
 *
 * Needs a PostgreSQL it may create a throwaway database in: BENCH_DATABASE_URL (default
 * DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres). Nothing else is touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureBuild, startServer } from './lib/server.ts';

const ADMIN_URL =
	process.env.BENCH_DATABASE_URL ??
	process.env.DATABASE_URL ??
	'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STORM = Number(process.env.BENCH_STORM ?? 200);
const KEY = 'vik_bench_incidents_0123456789abcdef';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function storm(
	base: string,
	ir: string
): Promise<{ ms: number; retried: number; ids: string[] }> {
	const started = performance.now();
	let retried = 0;
	const ids = await Promise.all(
		Array.from({ length: STORM }, async (_, i) => {
			const body = JSON.stringify({
				source: 'airflow',
				pipeline: `pl_storm_${i % 17}`,
				run_id: `${ir}-run-${i}`,
				error_message: `Operation on target Copy_${i} failed: The Self-hosted integration runtime '${ir}' is offline.`
			});
			for (;;) {
				const res = await fetch(`${base}/api/webhooks/generic`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-api-key': KEY },
					body
				});
				if (res.status === 503) {
					retried++;
					await new Promise((r) => setTimeout(r, 1000));
					continue;
				}
				if (res.status !== 201) throw new Error(`webhook answered ${res.status}`);
				return ((await res.json()) as { ticket_id: string }).ticket_id;
			}
		})
	);
	return { ms: performance.now() - started, retried, ids };
}

async function main(): Promise<void> {
	ensureBuild(process.env.BENCH_REBUILD === '1', (line) => process.stderr.write(`${line}\n`));
	const name = `vigil_bench_incidents_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client(ADMIN_URL);
	await admin.connect();
	await admin.query(`create database ${name}`);
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	const db = new pg.Pool({ connectionString: url.toString(), max: 2 });
	let server: Awaited<ReturnType<typeof startServer>> | null = null;
	const off: number[] = [];
	const on: number[] = [];
	const counted: number[] = [];
	let retriedOff = 0;
	let retriedOn = 0;
	try {
		server = await startServer({
			databaseUrl: url.toString(),
			dataDir: mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-incidents-')),
			ingestKey: KEY
		});
		// The server reads the setting through a 5 s cache: set it, then wait that out.
		const grouping = async (enabled: boolean) => {
			await db.query(
				`update incident_grouping set enabled = $1, by_resource = true, by_fingerprint = true, window_minutes = 10`,
				[enabled]
			);
			await new Promise((r) => setTimeout(r, 5500));
		};
		for (let round = 0; round < ROUNDS; round++) {
			await grouping(false);
			const a = await storm(server.baseUrl, `shir-off-${round}`);
			off.push(a.ms);
			retriedOff += a.retried;
			await grouping(true);
			const started = performance.now();
			const b = await storm(server.baseUrl, `shir-on-${round}`);
			on.push(b.ms);
			retriedOn += b.retried;
			const r = await db.query(
				`select count(*) filter (where incident_id is null)::int as incidents from tickets where id = any($1::text[])`,
				[b.ids]
			);
			if (r.rows[0].incidents !== 1)
				throw new Error(`expected one incident, got ${r.rows[0].incidents}`);
			for (;;) {
				const c = await db.query(
					`select max(incident_children)::int as n from tickets where id = any($1::text[])`,
					[b.ids]
				);
				if (c.rows[0].n === STORM - 1) break;
				await new Promise((done) => setTimeout(done, 20));
			}
			counted.push(performance.now() - started);
			process.stderr.write(
				`round ${round + 1}: off ${a.ms.toFixed(0)} ms, on ${b.ms.toFixed(0)} ms\n`
			);
		}
	} finally {
		await db.end();
		await server?.stop();
		await admin.query(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
	const result = {
		storm: STORM,
		rounds: ROUNDS,
		off_ms: Math.round(median(off)),
		on_ms: Math.round(median(on)),
		ratio_on_off: Number((median(on) / median(off)).toFixed(2)),
		counted_ms: Math.round(median(counted)),
		retried_503_off: retriedOff,
		retried_503_on: retriedOn
	};
	console.log(
		`${STORM} webhooks of one cause, median of ${ROUNDS}: grouping off ${result.off_ms} ms (baseline), on ${result.on_ms} ms (×${result.ratio_on_off}); the incident counted all ${STORM - 1} after ${result.counted_ms} ms; 503s retried: off ${retriedOff}, on ${retriedOn}`
	);
	console.log(JSON.stringify(result));
}

await main();
