/**
 * Cuts the operations the Jira stand-in serves out of Atlassian's Jira Cloud platform REST API
 * OpenAPI spec (2.4 MB, too large to commit), together with every component schema they reach
 * through `$ref`, into `jira-v3-subset.openapi.json` beside this file.
 *
 *   node tests/support/contracts/jira/extract.ts [path/to/jira-platform-v3.openapi.json]
 *
 * Without an argument it reads `$JIRA_OPENAPI`, else /work/shared/contracts/jira/ (where the build
 * machines keep it; see README.md for where it comes from). The output is deterministic: run it
 * again after updating the spec and commit the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Method and path of every operation tests/support/jira-standin.ts serves under /rest/api/3. */
export const OPERATIONS: ReadonlyArray<readonly [method: string, path: string]> = [
	['post', '/rest/api/3/issue'],
	['get', '/rest/api/3/issue/{issueIdOrKey}'],
	['get', '/rest/api/3/issue/{issueIdOrKey}/changelog'],
	['put', '/rest/api/3/issue/{issueIdOrKey}'],
	['delete', '/rest/api/3/issue/{issueIdOrKey}'],
	['get', '/rest/api/3/issue/{issueIdOrKey}/transitions'],
	['post', '/rest/api/3/issue/{issueIdOrKey}/transitions'],
	['get', '/rest/api/3/issue/{issueIdOrKey}/comment'],
	['post', '/rest/api/3/issue/{issueIdOrKey}/comment'],
	['get', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}'],
	['put', '/rest/api/3/issue/{issueIdOrKey}/comment/{id}'],
	['get', '/rest/api/3/issue/{issueIdOrKey}/properties'],
	['get', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
	['put', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
	['delete', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}'],
	['get', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes'],
	['get', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}'],
	['get', '/rest/api/3/search/jql'],
	['post', '/rest/api/3/search/jql'],
	// Removed from Jira Cloud (410 Gone); kept because Data Center's /rest/api/2/search has this shape.
	['get', '/rest/api/3/search'],
	['post', '/rest/api/3/search'],
	['get', '/rest/api/3/myself'],
	['get', '/rest/api/3/project/{projectIdOrKey}'],
	['get', '/rest/api/3/project/{projectIdOrKey}/statuses'],
	['get', '/rest/api/3/mypermissions'],
	['get', '/rest/api/3/priority'],
	['get', '/rest/api/3/priority/search'],
	['get', '/rest/api/3/issuetype'],
	['get', '/rest/api/3/status'],
	['get', '/rest/api/3/serverInfo']
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SCHEMA_REF = '#/components/schemas/';

function collectRefs(node: Json, into: Set<string>): void {
	if (Array.isArray(node)) {
		for (const item of node) collectRefs(item, into);
		return;
	}
	if (node === null || typeof node !== 'object') return;
	for (const [key, value] of Object.entries(node)) {
		if (key === '$ref' && typeof value === 'string') {
			if (!value.startsWith(SCHEMA_REF)) throw new Error(`unexpected $ref ${value}`);
			into.add(value.slice(SCHEMA_REF.length));
		} else collectRefs(value, into);
	}
}

function collectScopes(node: Json, into: Set<string>): void {
	for (const requirement of Array.isArray(node) ? node : []) {
		if (requirement === null || typeof requirement !== 'object' || Array.isArray(requirement)) {
			continue;
		}
		for (const scopes of Object.values(requirement)) {
			for (const scope of Array.isArray(scopes) ? scopes : []) {
				if (typeof scope === 'string') into.add(scope);
			}
		}
	}
}

function sorted<T extends Json>(record: Record<string, T>): Record<string, T> {
	return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export function extract(spec: JsonObject): JsonObject {
	const paths = spec.paths as Record<string, JsonObject>;
	const schemas = (spec.components as JsonObject).schemas as Record<string, Json>;
	const outPaths: Record<string, JsonObject> = {};
	const wanted = new Set<string>();
	const scopes = new Set<string>();

	for (const [method, path] of OPERATIONS) {
		const item = paths[path];
		const operation = item?.[method];
		if (!item || !operation) throw new Error(`${method.toUpperCase()} ${path} is not in the spec`);
		outPaths[path] ??= {};
		if (item.parameters) outPaths[path].parameters = item.parameters;
		outPaths[path][method] = operation;
		collectRefs(operation, wanted);
		collectRefs(item.parameters ?? null, wanted);
		collectScopes((operation as JsonObject).security ?? null, scopes);
	}

	// Close over $ref: every schema a kept schema reaches.
	const kept: Record<string, Json> = {};
	const queue = [...wanted];
	while (queue.length > 0) {
		const name = queue.pop()!;
		if (name in kept) continue;
		const schema = schemas[name];
		if (schema === undefined) throw new Error(`$ref to missing schema ${name}`);
		kept[name] = schema;
		const inner = new Set<string>();
		collectRefs(schema, inner);
		for (const ref of inner) if (!(ref in kept)) queue.push(ref);
	}

	const securitySchemes = structuredClone(
		(spec.components as JsonObject).securitySchemes as JsonObject
	);
	const oauth = securitySchemes.OAuth2 as JsonObject | undefined;
	const flow = (oauth?.flows as JsonObject | undefined)?.authorizationCode as
		JsonObject | undefined;
	if (flow?.scopes && typeof flow.scopes === 'object') {
		const all = flow.scopes as Record<string, Json>;
		flow.scopes = sorted(Object.fromEntries(Object.entries(all).filter(([s]) => scopes.has(s))));
	}

	const info = structuredClone(spec.info as JsonObject);
	info.description =
		`${String(info.description ?? '')} — SUBSET: the ${OPERATIONS.length} operations served by ` +
		'tests/support/jira-standin.ts and the component schemas they reference, extracted by ' +
		'tests/support/contracts/jira/extract.ts.';

	return {
		openapi: spec.openapi as Json,
		info,
		servers: spec.servers as Json,
		paths: sorted(outPaths),
		components: { schemas: sorted(kept), securitySchemes }
	};
}

function main(): void {
	const source =
		process.argv[2] ??
		process.env.JIRA_OPENAPI ??
		'/work/shared/contracts/jira/jira-platform-v3.openapi.json';
	const target = fileURLToPath(new URL('./jira-v3-subset.openapi.json', import.meta.url));
	const spec = JSON.parse(readFileSync(source, 'utf8')) as JsonObject;
	const subset = extract(spec);
	writeFileSync(target, `${JSON.stringify(subset, null, 2)}\n`);
	const count = Object.keys((subset.components as JsonObject).schemas as JsonObject).length;
	console.log(`${target}: ${OPERATIONS.length} operations, ${count} schemas`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
