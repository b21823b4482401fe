import { afterAll, beforeAll, expect, it } from 'vitest';
import { setUserRole } from '../../src/lib/server/admin/users.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
let rt: Runtime;
beforeAll(async () => { rt = await startTestRuntime({}, { workers: false }); });
afterAll(async () => rt?.stop());
it('race', async () => {
	let zero = 0;
	for (let i = 0; i < 20; i++) {
		const a = await createUser(rt.em(), { email: `a${i}@contoso.example`, name: 'a', password: 'a long enough password', role: 'admin' }, null);
		await rt.pool.query(`update users set role = 'viewer' where id <> $1`, [a.id]);
		const b = await createUser(rt.em(), { email: `b${i}@contoso.example`, name: 'b', password: 'a long enough password', role: 'admin' }, null);
		await Promise.allSettled([setUserRole(rt.em(), a.id, 'viewer'), setUserRole(rt.em(), b.id, 'viewer')]);
		const n = (await rt.pool.query(`select count(*)::int n from users where role = 'admin'`)).rows[0].n;
		if (n === 0) zero++;
	}
	console.log('ZERO', zero);
	expect(zero).toBe(0);
});
