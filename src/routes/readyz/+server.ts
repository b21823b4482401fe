import type { RequestHandler } from './$types';
import { DATABASE_RETRY_AFTER_SECONDS } from '#lib/server/db/errors.ts';
import { log } from '#lib/server/log.ts';
import { runtime } from '#lib/server/runtime.ts';

/** A probe answers within this, whatever the database does (a hanging one included). */
const DEADLINE_MS = 2000;

type Check = 'ok' | 'missing' | 'unavailable' | 'timeout';

/** Runs one check against the deadline; the driver's error goes to the log, not to the probe. */
async function check(name: string, run: () => Promise<Check>): Promise<Check> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<Check>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), DEADLINE_MS);
	});
	const outcome = run().catch((err: Error & { code?: string }) => {
		log.warn({ check: name, code: err.code, msg: err.message }, 'readiness check failed');
		return 'unavailable' as const;
	});
	try {
		return await Promise.race([outcome, deadline]);
	} finally {
		clearTimeout(timer);
	}
}

/** Ready when the database answers and the job queue is installed and reachable. */
export const GET: RequestHandler = async () => {
	const rt = runtime();
	const [database, queue] = await Promise.all([
		check('database', () => rt.pool.query('select 1').then(() => 'ok')),
		check('queue', () => rt.boss.getQueue('triage.analyze').then((q) => (q ? 'ok' : 'missing')))
	]);
	const checks = { database, queue };
	const ok = database === 'ok' && queue === 'ok';
	// Which instance answers: behind a load balancer, the one that is (not) ready.
	return Response.json(
		{ status: ok ? 'ok' : 'unavailable', instance: rt.instanceId, checks },
		{
			status: ok ? 200 : 503,
			headers: {
				'cache-control': 'no-store',
				'x-vigil-instance': rt.instanceId,
				...(ok ? {} : { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) })
			}
		}
	);
};
