import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { runtime } from '#lib/server/runtime.ts';
import { incidentChildren } from '#lib/server/incidents/queries.ts';
import { jiraMetricsOf } from '#lib/server/jira/history.ts';
import { getTicket } from '#lib/server/tickets/queries.ts';

export const load: PageServerLoad = async ({ params }) => {
	const { pool } = runtime();
	const detail = await getTicket(pool, params.id);
	if (!detail) error(404, `No ticket with id ${params.id}`);
	const children =
		detail.ticket.incident_children > 0 ? await incidentChildren(pool, detail.ticket.id) : [];
	const jira = detail.ticket.jira_key ? await jiraMetricsOf(pool, detail.ticket.id) : null;
	return { ...detail, children, jira, serverNow: Date.now() };
};
