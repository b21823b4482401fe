import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { analytics, parseRange } from '#lib/server/analytics/queries.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async ({ url }) => {
	let range;
	try {
		range = parseRange(url.searchParams.get('range'));
	} catch {
		// A mistyped link still lands on a useful page: the default range.
		redirect(303, '/analytics');
	}
	return { analytics: await analytics(runtime().pool, range) };
};
