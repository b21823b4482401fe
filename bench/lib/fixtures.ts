import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IngestEndpoint } from '#lib/server/ingest/types.ts';

const DIR = path.resolve(import.meta.dirname, '../../tests/support/fixtures');
const MARK = '__BENCH_RUN_ID__';

export interface Payload {
	endpoint: IngestEndpoint;
	fixture: string;
	runId: string;
	body: string;
}

interface Template {
	endpoint: IngestEndpoint;
	fixture: string;
	/** The fixture as JSON text with the run id replaced by MARK (quoted or not, see `numeric`). */
	text: string;
	numeric: boolean;
}

type Json = Record<string, unknown>;

function load(
	fixture: string,
	endpoint: IngestEndpoint,
	mark: (body: Json) => void,
	numeric = false
): Template {
	const body = JSON.parse(readFileSync(path.join(DIR, fixture), 'utf8')) as Json;
	mark(body);
	const text = JSON.stringify(body, null, 2);
	if (!text.includes(MARK)) throw new Error(`${fixture}: run id field not found`);
	return { endpoint, fixture, numeric, text: numeric ? text.replace(`"${MARK}"`, MARK) : text };
}

// One of each shape Vigil sees most: a generic scheduler, the two Azure Monitor
// shapes ADF alerts arrive in, and a Databricks job webhook.
const TEMPLATES: Template[] = [
	load('generic/airflow-task-failed.json', 'generic', (b) => (b.run_id = MARK)),
	load('azure-monitor/logic-app.simplified.json', 'azure-monitor', (b) => (b.PipelineRunId = MARK)),
	load('azure-monitor/log-alert-v2.adf-pipeline-failed.json', 'azure-monitor', (b) => {
		const data = b.data as {
			alertContext: { condition: { allOf: { dimensions: { name: string; value: string }[] }[] } };
		};
		const dim = data.alertContext.condition.allOf[0]?.dimensions.find((d) => d.name === 'RunId');
		if (dim) dim.value = MARK;
	}),
	load(
		'databricks/webhook.job-failure.json',
		'databricks',
		(b) => ((b.run as Json).run_id = MARK),
		true
	)
];

export const FIXTURE_COUNT = TEMPLATES.length;

// Databricks run ids are integers; epoch microseconds at start keep them unique
// across processes and runs while staying exact in a JSON number (< 2^53).
let numericBase = Date.now() * 1000;

/** A fresh run id shaped like the one the fixture carries. */
function freshRunId(t: Template, seq: number): string {
	if (t.numeric) return String(numericBase++);
	if (t.endpoint === 'generic') return `scheduled__bench-${randomUUID()}-${seq}`;
	return randomUUID();
}

/** The `seq`-th payload: fixtures (of `only` that endpoint) in rotation, each with a run id never sent before. */
export function payload(seq: number, only?: IngestEndpoint): Payload {
	const pool = only ? TEMPLATES.filter((t) => t.endpoint === only) : TEMPLATES;
	const t = pool[seq % pool.length]!;
	const runId = freshRunId(t, seq);
	return { endpoint: t.endpoint, fixture: t.fixture, runId, body: t.text.replace(MARK, runId) };
}

/** A replacement for `old` of the same kind (integer, UUID or free text), unique in this process. */
export function freshLike(old: string): string {
	if (/^\d+$/.test(old)) return String(numericBase++);
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(old)) return randomUUID();
	return `${old.slice(0, 40)}-${randomUUID()}`;
}
