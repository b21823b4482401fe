import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { ApiError } from '#lib/server/errors.ts';
import {
	discoverStatuses,
	saveStatusMapping,
	StatusMappingInput,
	StatusProjectQuery
} from '#lib/server/jira/statuses.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const rt = runtime();
	const handle = await rt.jira();
	const query = StatusProjectQuery.safeParse({
		project: event.url.searchParams.get('project') ?? handle?.config.projectKey ?? ''
	});
	if (!query.success)
		throw new ApiError(400, 'invalid_request', 'Invalid fields: project', [
			{ field: 'project', message: query.error.issues[0]!.message }
		]);
	return Response.json(await discoverStatuses(rt.jira, query.data.project));
};

export const PUT: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const body = await parseJson(event.request, StatusMappingInput);
	const rt = runtime();
	const { problems } = await saveStatusMapping({ pool: rt.pool, jira: rt.jira }, body);
	if (problems.length)
		throw new ApiError(
			400,
			'invalid_request',
			`Invalid fields: ${problems.map((p) => p.field).join(', ')}`,
			problems
		);
	return Response.json(await discoverStatuses(rt.jira, body.projectKey));
};
