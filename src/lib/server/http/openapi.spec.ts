import { readFileSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every `+server.ts` under src/routes/api as (OpenAPI path, exported methods). */
async function apiRoutes(): Promise<{ path: string; methods: string[]; fallback: boolean }[]> {
	const out = [];
	for await (const file of glob('src/routes/api/**/+server.ts', { cwd: ROOT })) {
		const source = readFileSync(path.join(ROOT, file), 'utf8');
		const exported = [
			...source.matchAll(/export\s+(?:const|async function|function)\s+(\w+)/g)
		].map((m) => m[1]!);
		const route = path
			.dirname(file)
			.replace(/^src\/routes/, '')
			.replace(/\[(\w+)\]/g, '{$1}');
		out.push({
			path: route,
			methods: exported.filter((e) => (METHODS as readonly string[]).includes(e)),
			fallback: exported.includes('fallback')
		});
	}
	return out;
}

describe('/api/openapi.json', () => {
	const doc = openApiDocument('http://vigil.test');

	it('documents every method of every route under src/routes/api', async () => {
		const routes = await apiRoutes();
		expect(routes.length).toBeGreaterThan(25);
		const missing: string[] = [];
		for (const r of routes) {
			const documented = Object.keys(doc.paths?.[r.path] ?? {});
			for (const m of r.methods)
				if (!documented.includes(m.toLowerCase())) missing.push(`${m} ${r.path}`);
			// A fallback answers every method; at least the one callers use must be described.
			if (r.fallback && documented.length === 0) missing.push(`(fallback) ${r.path}`);
		}
		expect(missing).toEqual([]);
	});

	it('documents no route that does not exist', async () => {
		const routes = new Set((await apiRoutes()).map((r) => r.path));
		expect(Object.keys(doc.paths ?? {}).filter((p) => !routes.has(p))).toEqual([]);
	});

	it('is a valid OpenAPI 3.1 document', async () => {
		const validator = new Validator();
		const result = await validator.validate(
			structuredClone(doc) as Parameters<Validator['validate']>[0]
		);
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		expect(validator.version).toBe('3.1');
	});

	it('takes the ticket from the contract and the inputs from the routes’ own schemas', () => {
		const schemas = doc.components?.schemas as Record<
			string,
			{ properties?: object; enum?: string[] }
		>;
		expect(Object.keys(schemas.Ticket!.properties!)).toContain('sla_deadline');
		expect(schemas.Priority!.enum).toEqual(['P1', 'P2', 'P3', 'P4']);
		const login = doc.paths!['/api/auth/login']!.post!.requestBody as {
			content: Record<string, { schema: { required: string[] } }>;
		};
		expect(login.content['application/json']!.schema.required).toEqual(['email', 'password']);
		const listParams = (doc.paths!['/api/tickets']!.get!.parameters ?? []) as { name: string }[];
		expect(listParams.map((p) => p.name)).toEqual(
			expect.arrayContaining(['status', 'priority', 'q', 'cursor', 'limit'])
		);
	});
});
