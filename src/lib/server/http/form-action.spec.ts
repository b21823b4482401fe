import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuthUser } from '../auth/sessions.ts';
import { attempt, parseForm, problem, requirePageUser } from './form-action.ts';
import { ApiError } from '../errors.ts';

const thrown = (fn: () => unknown): unknown => {
	try {
		fn();
	} catch (err) {
		return err;
	}
	return null;
};
const event = (user: AuthUser | null) =>
	({ locals: { user, via: 'session' }, url: new URL('http://vigil.test/admin/keys?x=1') }) as never;
const viewer: AuthUser = { id: 'u1', email: 'v@contoso.example', name: 'Vic', role: 'viewer' };

describe('requirePageUser', () => {
	it('sends a signed-out visitor to the log-in page, coming back afterwards', () => {
		const err = thrown(() => requirePageUser(event(null), 'admin'));
		expect(isRedirect(err) && err.location).toBe('/login?next=%2Fadmin%2Fkeys%3Fx%3D1');
	});

	it('answers a 403 page naming the missing role', () => {
		const err = thrown(() => requirePageUser(event(viewer), 'admin'));
		expect(isHttpError(err, 403)).toBe(true);
		expect((err as { body: { message: string } }).body.message).toBe(
			'This needs the admin role; you are viewer'
		);
		expect(requirePageUser(event(viewer), 'viewer')).toBe(viewer);
	});
});

describe('parseForm', () => {
	const Body = z.object({ name: z.string().min(1), size: z.number().int() });

	it('puts one message beside each bad field, saying “required” for absent ones', () => {
		const r = parseForm('create', Body, { size: 1.5 }, { name: '' });
		expect(r.ok).toBe(false);
		const failure = !r.ok && r.failure;
		expect(isActionFailure(failure) && failure.status).toBe(400);
		expect(failure && failure.data).toMatchObject({
			form: 'create',
			message: 'Check the highlighted fields.',
			errors: { name: 'required', size: expect.stringMatching(/int/i) },
			values: { name: '' }
		});
	});

	it('passes parsed data through', () => {
		expect(parseForm('x', Body, { name: 'a', size: 2 })).toEqual({
			ok: true,
			data: { name: 'a', size: 2 }
		});
	});
});

describe('attempt', () => {
	it('turns a service refusal into a failure the page shows, keeping its status', async () => {
		const r = await attempt('role-1', async () => {
			throw new ApiError(409, 'last_admin', 'This is the last admin');
		});
		expect(!r.ok && r.failure.status).toBe(409);
		expect(!r.ok && r.failure.data).toMatchObject({
			form: 'role-1',
			message: 'This is the last admin',
			errors: {}
		});
	});

	it('lets real faults propagate', async () => {
		await expect(
			attempt('x', async () => {
				throw new Error('database down');
			})
		).rejects.toThrow('database down');
	});

	it('maps API details to fields', () => {
		const f = problem('sla', 400, 'Invalid fields: P2', [{ field: 'P2', message: 'too short' }]);
		expect(f.data.errors).toEqual({ P2: 'too short' });
	});
});
