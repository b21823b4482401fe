import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.ts';
import { jsonError } from '../errors.ts';
import type { JiraLookup } from '../jira/connection.ts';
import { receiveDelivery } from '../jira/inbound.ts';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import { readLimited } from '../read-limited.ts';

/** Jira's webhook bodies are a few KiB; a changelog-heavy one stays far below this. */
const MAX_JIRA_BODY_BYTES = 1024 * 1024;

/**
 * POST /api/webhooks/jira?secret=…: stored, deduplicated on
 * X-Atlassian-Webhook-Identifier and answered at once; a job applies it.
 * Unknown issues are answered 200 too, so Jira stops retrying them.
 */
export async function handleJiraWebhook(
	deps: { pool: Pool; boss: PgBoss; jira: JiraLookup },
	request: Request
): Promise<Response> {
	const body = await readLimited(request, MAX_JIRA_BODY_BYTES);
	if ('tooLarge' in body) {
		metrics.webhooks.inc({ endpoint: 'jira', outcome: 'too_large' });
		return jsonError(413, 'payload_too_large', 'Body exceeds 1 MiB');
	}
	const url = new URL(request.url);
	const answer = await receiveDelivery(deps, body.text, url.searchParams.get('secret'), {
		identifier: request.headers.get('x-atlassian-webhook-identifier'),
		signature: request.headers.get('x-hub-signature')
	});
	if (answer.status !== 200) {
		metrics.webhooks.inc({ endpoint: 'jira', outcome: answer.code });
		if (answer.status === 401) log.warn({ reason: answer.message }, 'Jira webhook refused');
		return jsonError(answer.status, answer.code, answer.message);
	}
	metrics.webhooks.inc({ endpoint: 'jira', outcome: answer.outcome });
	return Response.json({ status: answer.outcome, delivery: answer.delivery });
}
