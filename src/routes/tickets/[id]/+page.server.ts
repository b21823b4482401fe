import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { runtime } from '#lib/server/runtime.ts';
import { getTicket } from '#lib/server/tickets/queries.ts';

export const load: PageServerLoad = async ({ params }) => {
	const detail = await getTicket(runtime().pool, params.id);
	if (!detail) error(404, `No ticket with id ${params.id}`);
	return { ...detail, serverNow: Date.now() };
};
