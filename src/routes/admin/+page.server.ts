import type { PageServerLoad } from './$types';
import { listConnections } from '#lib/server/connections/settings.ts';
import { listRules } from '#lib/server/routing/rules.ts';
import { getSlaPolicy } from '#lib/server/routing/sla-policy.ts';
import { listUsers } from '#lib/server/auth/users.ts';
import { listIngestKeys } from '#lib/server/auth/ingest-keys.ts';
import { requirePageUser } from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rt = runtime();
	const [users, keys, rules, sla, connections] = await Promise.all([
		listUsers(rt.em()),
		listIngestKeys(rt.em()),
		listRules(rt.em()),
		getSlaPolicy(rt.em()),
		listConnections(rt)
	]);
	return {
		users: { total: users.length, admins: users.filter((u) => u.role === 'admin').length },
		keys: { active: keys.filter((k) => !k.revoked_at).length, total: keys.length },
		rules: { total: rules.length, enabled: rules.filter((r) => r.enabled).length },
		sla: sla.policy,
		connections: connections.map((c) => ({
			kind: c.kind,
			status: c.status,
			configured: c.configured
		}))
	};
};
