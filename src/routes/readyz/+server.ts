import type { RequestHandler } from './$types';
import { runtime } from '#lib/server/runtime.ts';

/** Ready when the database answers and the job queue is installed and reachable. */
export const GET: RequestHandler = async () => {
	const rt = runtime();
	const checks: Record<string, string> = {};
	await rt.pool.query('select 1').then(
		() => (checks.database = 'ok'),
		(e: Error) => (checks.database = e.message)
	);
	await rt.boss.getQueue('triage.analyze').then(
		(q) => (checks.queue = q ? 'ok' : 'missing'),
		(e: Error) => (checks.queue = e.message)
	);
	const ok = Object.values(checks).every((v) => v === 'ok');
	return Response.json({ status: ok ? 'ok' : 'unavailable', checks }, { status: ok ? 200 : 503 });
};
