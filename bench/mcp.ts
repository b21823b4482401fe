/**
 * `npm run bench:mcp`: what an assistant's call through /mcp costs next to the same
 * question asked of the HTTP API, measured in the same run on the same server and data:
 * `search_tickets` against `GET /api/tickets`, `get_ticket` against `GET /api/tickets/{id}`.
 * Each MCP call is served by a fresh McpServer on the SDK's stateless transport, with a
 * session lookup in PostgreSQL; the ratio says what that design costs per call.
 *
 * MCP_BENCH_SECONDS (5) per sample, MCP_BENCH_ROUNDS (3, alternating baseline and MCP),
 * MCP_BENCH_CONCURRENCY (4) closed-loop clients, MCP_BENCH_TICKETS (200) seeded;
 * BENCH_DATABASE_URL / BENCH_REBUILD / BENCH_JSON as for the other benches.
 */
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { startDatabase } from './lib/database.ts';
import { payload } from './lib/fixtures.ts';
import { BENCH_ADMIN, ensureBuild, startServer } from './lib/server.ts';
import { median, percentiles } from './lib/stats.ts';

const env = process.env;
const SECONDS = Number(env.MCP_BENCH_SECONDS ?? 5);
const ROUNDS = Number(env.MCP_BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(env.MCP_BENCH_CONCURRENCY ?? 4);
const TICKETS = Number(env.MCP_BENCH_TICKETS ?? 200);
const INGEST_KEY = 'vik_bench_ingest_key_0123456789abcdef';
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

type Call = () => Promise<void>;
type Sample = { rps: number; p50: number; p95: number };

/** Closed loop: CONCURRENCY clients, each sending its next request when the last is answered. */
async function sample(call: Call): Promise<Sample> {
	const latencies: number[] = [];
	const until = performance.now() + SECONDS * 1000;
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (performance.now() < until) {
				const t = performance.now();
				await call();
				latencies.push(performance.now() - t);
			}
		})
	);
	const p = percentiles(latencies);
	return { rps: latencies.length / SECONDS, p50: p.p50, p95: p.p95 };
}

async function expectOk(res: Response, what: string): Promise<unknown> {
	const text = await res.text();
	if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`);
	return text ? JSON.parse(text) : null;
}

async function main() {
	installCleanupHandlers();
	ensureBuild(env.BENCH_REBUILD === '1', log);
	const db = await startDatabase(env.BENCH_DATABASE_URL);
	const server = await startServer({
		databaseUrl: db.url,
		dataDir: db.tempDir,
		ingestKey: INGEST_KEY
	});
	const base = server.baseUrl;
	try {
		const login = await fetch(`${base}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(BENCH_ADMIN)
		});
		await expectOk(login, 'login');
		const cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		const { token } = (await expectOk(
			await fetch(`${base}/api/tokens`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie, origin: base },
				body: JSON.stringify({ name: 'bench' })
			}),
			'token'
		)) as { token: string };
		const auth = { authorization: `Bearer ${token}` };

		log(`seeding ${TICKETS} tickets…`);
		let ticketId = '';
		for (let i = 0; i < TICKETS; i++) {
			const p = payload(i);
			const r = (await expectOk(
				await fetch(`${base}/api/webhooks/${p.endpoint}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
					body: p.body
				}),
				'webhook'
			)) as { ticket_id?: string };
			ticketId ||= r.ticket_id ?? '';
		}

		const rpcHeaders = {
			...auth,
			'content-type': 'application/json',
			accept: 'application/json, text/event-stream'
		};
		const init = await fetch(`${base}/mcp`, {
			method: 'POST',
			headers: rpcHeaders,
			body: JSON.stringify({
				jsonrpc: '2.0',
				id: 1,
				method: 'initialize',
				params: {
					protocolVersion: '2025-06-18',
					capabilities: {},
					clientInfo: { name: 'bench', version: '1' }
				}
			})
		});
		await expectOk(init, 'initialize');
		const session = init.headers.get('mcp-session-id')!;
		const sessionHeaders = {
			...rpcHeaders,
			'mcp-session-id': session,
			'mcp-protocol-version': '2025-06-18'
		};
		const tool = (name: string, args: Record<string, unknown>): Call => {
			const body = JSON.stringify({
				jsonrpc: '2.0',
				id: 2,
				method: 'tools/call',
				params: { name, arguments: args }
			});
			return async () => {
				const r = (await expectOk(
					await fetch(`${base}/mcp`, { method: 'POST', headers: sessionHeaders, body }),
					name
				)) as { result?: { isError?: boolean } };
				if (!r.result || r.result.isError) throw new Error(`${name}: ${JSON.stringify(r)}`);
			};
		};
		const get =
			(path: string): Call =>
			async () => {
				await expectOk(await fetch(`${base}${path}`, { headers: auth }), path);
			};

		const pairs = [
			{
				name: 'list 20 open tickets',
				baseline: get('/api/tickets?status=open&limit=20'),
				mcp: tool('search_tickets', { status: 'open', limit: 20 })
			},
			{
				name: 'one ticket with its timeline',
				baseline: get(`/api/tickets/${encodeURIComponent(ticketId)}`),
				mcp: tool('get_ticket', { id: ticketId })
			}
		];
		const results = [];
		for (const pair of pairs) {
			await sample(pair.baseline); // warm-up, not counted
			await sample(pair.mcp);
			const rounds: { baseline: Sample; mcp: Sample }[] = [];
			for (let r = 0; r < ROUNDS; r++) {
				log(`${pair.name}: round ${r + 1}/${ROUNDS}`);
				const b = await sample(pair.baseline);
				const m = await sample(pair.mcp);
				rounds.push({ baseline: b, mcp: m });
			}
			const med = (f: (x: { baseline: Sample; mcp: Sample }) => number) => median(rounds.map(f));
			results.push({
				name: pair.name,
				baseline: {
					rps: med((x) => x.baseline.rps),
					p50_ms: med((x) => x.baseline.p50),
					p95_ms: med((x) => x.baseline.p95)
				},
				mcp: {
					rps: med((x) => x.mcp.rps),
					p50_ms: med((x) => x.mcp.p50),
					p95_ms: med((x) => x.mcp.p95)
				},
				// Per round, then the median: both sides of a ratio share the machine's load.
				p50_ratio: med((x) => x.mcp.p50 / x.baseline.p50),
				throughput_ratio: med((x) => x.mcp.rps / x.baseline.rps)
			});
		}
		const report = { seconds: SECONDS, rounds: ROUNDS, concurrency: CONCURRENCY, results };
		if (env.BENCH_JSON !== '1') {
			const f = (n: number) => n.toFixed(2);
			process.stdout.write(
				`\n| call | HTTP API p50 ms | MCP p50 ms | p50 ratio | HTTP API req/s | MCP req/s | throughput ratio |\n|---|---|---|---|---|---|---|\n`
			);
			for (const r of results)
				process.stdout.write(
					`| ${r.name} | ${f(r.baseline.p50_ms)} | ${f(r.mcp.p50_ms)} | ${f(r.p50_ratio)} | ${f(r.baseline.rps)} | ${f(r.mcp.rps)} | ${f(r.throughput_ratio)} |\n`
				);
			process.stdout.write('\n');
		}
		process.stdout.write(JSON.stringify(report) + '\n');
	} finally {
		await server.stop();
		await db.stop();
		removeTempDirs();
	}
}

main().catch((err) => {
	process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`);
	removeTempDirs();
	process.exit(1);
});
