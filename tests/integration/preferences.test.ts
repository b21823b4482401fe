/**
 * The board's layout is kept with the person's account, not with one browser:
 * the on-call engineer who picks the compact table on one machine gets it on
 * the other, and their colleague keeps their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/lib/server/auth/entities.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { ApiError } from '../../src/lib/server/errors.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { GET, PUT } from '../../src/routes/api/preferences/+server.ts';
import { load } from '../../src/routes/+page.server.ts';
import { startTestRuntime } from '../support/db.ts';

let rt: Runtime;
let priya: User;
let tom: User;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 4 });
	// The routes find the runtime the way the server's hook leaves it.
	const slot = globalThis as unknown as Record<symbol, { runtime?: Runtime } | undefined>;
	slot[Symbol.for('vigil.runtime')] = { runtime: rt };
	const make = (email: string) =>
		createUser(
			rt.em(),
			{ email, name: email, password: 'a long enough password', role: 'responder' },
			null
		);
	priya = await make('priya@contoso.example');
	tom = await make('tom@contoso.example');
}, 60_000);
afterAll(async () => rt?.stop());

const localsOf = (u: User | null) => ({
	user: u && { id: u.id, email: u.email, name: u.name, role: u.role },
	via: 'session'
});

/** The route as the server calls it; an ApiError becomes the answer the hook would give. */
async function call(
	handler: typeof GET | typeof PUT,
	user: User | null,
	body?: unknown,
	raw?: string
): Promise<{ status: number; body: Record<string, unknown> }> {
	const event = {
		locals: localsOf(user),
		params: {},
		url: new URL('http://vigil.test/api/preferences'),
		request: new Request('http://vigil.test/api/preferences', {
			method: body === undefined && raw === undefined ? 'GET' : 'PUT',
			headers: { 'content-type': 'application/json' },
			...(body === undefined && raw === undefined ? {} : { body: raw ?? JSON.stringify(body) })
		})
	} as unknown as Parameters<typeof PUT>[0];
	let res: Response;
	try {
		res = await handler(event);
	} catch (err) {
		if (!(err instanceof ApiError)) throw err;
		res = err.toResponse();
	}
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The board page's data for this person, as the server renders it. */
async function boardLayout(user: User): Promise<unknown> {
	const data = (await load({
		url: new URL('http://vigil.test/'),
		locals: localsOf(user)
	} as unknown as Parameters<typeof load>[0])) as { layout: unknown };
	return data.layout;
}

describe('the board layout, per user', () => {
	it('is unset until chosen, then the same on every request of that user and only theirs', async () => {
		expect(await call(GET, priya)).toEqual({ status: 200, body: { board_layout: null } });
		expect(await boardLayout(priya)).toBeNull();

		expect(await call(PUT, priya, { board_layout: 'table' })).toEqual({
			status: 200,
			body: { board_layout: 'table' }
		});
		// Another browser of Priya's: a fresh request, nothing but her account in common.
		expect(await call(GET, priya)).toEqual({ status: 200, body: { board_layout: 'table' } });
		expect(await boardLayout(priya)).toBe('table');
		// Tom's board is his own.
		expect(await boardLayout(tom)).toBeNull();

		await call(PUT, priya, { board_layout: 'cards' });
		expect(await boardLayout(priya)).toBe('cards');
	});

	it('refuses a layout it does not know, naming the field, and keeps the saved one', async () => {
		await call(PUT, tom, { board_layout: 'table' });
		const bad = await call(PUT, tom, { board_layout: 'grid' });
		expect(bad.status).toBe(400);
		expect(bad.body).toMatchObject({
			error: {
				details: [{ field: 'board_layout', message: 'must be one of cards, table' }]
			}
		});
		const extra = await call(PUT, tom, { board_layout: 'cards', theme: 'dark' });
		expect(extra.status).toBe(400);
		expect(JSON.stringify(extra.body)).toContain('theme');
		expect((await call(PUT, tom, undefined, '{')).status).toBe(400);
		expect(await boardLayout(tom)).toBe('table');
	});

	it('needs a signed-in user', async () => {
		expect((await call(GET, null)).status).toBe(401);
		expect((await call(PUT, null, { board_layout: 'table' })).status).toBe(401);
	});

	it('goes with the account when it is deleted', async () => {
		const gone = await createUser(
			rt.em(),
			{
				email: 'leaver@contoso.example',
				name: 'Leaver',
				password: 'a long enough password',
				role: 'viewer'
			},
			null
		);
		await call(PUT, gone, { board_layout: 'table' });
		await rt.pool.query(`delete from users where id = $1`, [gone.id]);
		const left = await rt.pool.query(`select 1 from user_preferences where user_id = $1`, [
			gone.id
		]);
		expect(left.rowCount).toBe(0);
	});
});
