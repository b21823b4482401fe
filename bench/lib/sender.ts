/**
 * The load generator, run as its own process so the server's event loop and
 * the senders' never compete. Reads a SenderConfig (JSON) from argv[2] and
 * prints one JSON line (SenderResult) on stdout when done.
 */
import http from 'node:http';
import { epochNow, closedLoop, type LoopResult } from './loop.ts';
import { payload } from './fixtures.ts';
import type { IngestEndpoint } from '#lib/server/ingest/types.ts';

export interface SenderConfig {
	baseUrl: string;
	apiKey: string;
	/** `load`: closed loop at `concurrency`; `paced`: one webhook every `intervalMs`. */
	mode: 'load' | 'paced';
	concurrency: number;
	warmupMs: number;
	durationMs: number;
	intervalMs: number;
	/** Send only this endpoint's fixtures (default: all four in rotation). */
	endpoint?: IngestEndpoint;
}

export interface Accepted {
	ticketId: string;
	/** Epoch ms just before the request was sent. */
	sentAtMs: number;
	/** Epoch ms at which the 201 arrived. */
	acceptedAtMs: number;
}

export type SenderResult =
	{ load: LoopResult } | { paced: { accepted: Accepted[]; failures: Record<string, number> } };

/**
 * node:http on keep-alive connections, not fetch: the senders share the machine's two cores
 * with Vigil and PostgreSQL, and undici's fetch cost 0.26 ms of CPU per webhook (Headers,
 * Request and web streams) against 0.08 ms here, CPU the server under test then lacked
 * (bench/README.md, "The senders"). Same requests, same bodies, same closed loop.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** BENCH_SENDER=fetch: the client this bench used before, to compare figures across that change. */
const USE_FETCH = process.env.BENCH_SENDER === 'fetch';

async function fetchPost(url: string, apiKey: string, body: string) {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
		body
	});
	return { status: res.status, text: await res.text() };
}

function post(cfg: SenderConfig, seq: number): Promise<{ status: number; text: string }> {
	const p = payload(seq, cfg.endpoint);
	if (USE_FETCH) return fetchPost(`${cfg.baseUrl}/api/webhooks/${p.endpoint}`, cfg.apiKey, p.body);
	const body = Buffer.from(p.body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			`${cfg.baseUrl}/api/webhooks/${p.endpoint}`,
			{
				method: 'POST',
				agent,
				headers: {
					'content-type': 'application/json',
					'content-length': body.length,
					'x-api-key': cfg.apiKey
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
				);
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

async function load(cfg: SenderConfig): Promise<LoopResult> {
	return closedLoop(cfg, async (seq) => {
		const r = await post(cfg, seq);
		return r.status === 201 ? true : `HTTP ${r.status}: ${r.text.slice(0, 80)}`;
	});
}

async function paced(cfg: SenderConfig) {
	const accepted: Accepted[] = [];
	const failures: Record<string, number> = {};
	const inFlight: Promise<void>[] = [];
	const start = performance.now();
	for (let seq = 0; seq * cfg.intervalMs < cfg.durationMs; seq++) {
		const due = start + seq * cfg.intervalMs;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		const sentAtMs = epochNow();
		inFlight.push(
			post(cfg, seq).then(
				(r) => {
					const at = epochNow();
					if (r.status === 201)
						accepted.push({
							ticketId: (JSON.parse(r.text) as { ticket_id: string }).ticket_id,
							sentAtMs,
							acceptedAtMs: at
						});
					else failures[`HTTP ${r.status}`] = (failures[`HTTP ${r.status}`] ?? 0) + 1;
				},
				(err: Error) => void (failures[err.message] = (failures[err.message] ?? 0) + 1)
			)
		);
	}
	await Promise.all(inFlight);
	return { accepted, failures };
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as SenderConfig;
const result: SenderResult =
	cfg.mode === 'paced' ? { paced: await paced(cfg) } : { load: await load(cfg) };
process.stdout.write(JSON.stringify(result) + '\n');
