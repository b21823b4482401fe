// Throwaway: fills the UI server with realistic history. Not part of the repo.
import fs from 'node:fs';
import pg from '/work/main/node_modules/pg/lib/index.js';

const BASE = 'http://localhost:3917';
const KEY = 'vik_dev_key_0123456789abcdefghij';
const FIX = '/work/main/tests/support/fixtures';
const pidFile = fs.readFileSync('/tmp/vigil-ui-audit/pg/postmaster.pid', 'utf8').split('\n');
const db = new pg.Client(`postgres://postgres:postgres@127.0.0.1:${pidFile[3]}/postgres`);
await db.connect();

async function post(endpoint: string, body: unknown) {
	const r = await fetch(`${BASE}/api/webhooks/${endpoint}`, {
		method: 'POST',
		headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const j = await r.json();
	return j.ticket_id as string | undefined;
}

// Routing rules first, so tickets get teams.
await db.query(`insert into routing_rules (name, position, field, match_type, pattern, team, owner, cost_center, slack_channel, jira_project)
values ('Finance pipelines', 10, 'pipeline', 'keyword', 'finance', 'finance-data', 'fin-oncall', 'CC-4100', '#fin-data-alerts', 'FIN'),
 ('Sales & marketing', 20, 'pipeline', 'regex', '^(pl_sales|dag_marketing)', 'growth-analytics', 'growth-oncall', 'CC-2200', '#growth-alerts', 'GRW'),
 ('Databricks ML', 30, 'any', 'regex', '(churn|features|ml_)', 'ml-platform', 'ml-oncall', 'CC-3300', '#ml-alerts', 'MLP')
on conflict do nothing`);
await db.query(`update routing_rules set team = 'data-platform', owner = 'platform-oncall', slack_channel = '#data-incidents' where is_default`);

for (const f of ['azure-monitor/log-alert-v2.adf-pipeline-failed.json', 'azure-monitor/logic-app.simplified.json', 'azure-monitor/metric-alert.adf-pipeline-failed-runs.json'])
	await post('azure-monitor', JSON.parse(fs.readFileSync(`${FIX}/${f}`, 'utf8')));
await post('databricks', JSON.parse(fs.readFileSync(`${FIX}/databricks/webhook.job-failure.json`, 'utf8')));
await post('databricks', JSON.parse(fs.readFileSync(`${FIX}/databricks/webhook.task-failure.json`, 'utf8')));
await post('generic', JSON.parse(fs.readFileSync(`${FIX}/generic/airflow-task-failed.json`, 'utf8')));

const pipelines = [
	['pl_finance_ledger_close', 'psycopg2.OperationalError: could not connect to server: Connection timed out'],
	['pl_sales_orders_daily', 'ErrorCode=SqlFailedToConnect, Cannot connect to SQL Database: sqlsrv-sales-prod. Login timeout expired'],
	['dag_marketing_spend.load_google_ads', "google.api_core.exceptions.TooManyRequests: 429 Quota exceeded for quota metric 'Requests'"],
	['nb_churn_features', 'java.lang.OutOfMemoryError: GC overhead limit exceeded'],
	['pl_finance_fx_rates', 'HTTP 503 Service Unavailable from https://api.fx.example/v2/rates'],
	['pl_inventory_snapshot', 'ErrorCode=UserErrorFileNotFound, The file inventory/2026/11/snapshot.parquet does not exist'],
	['dbt_core_models.run', "Database Error in model fct_orders: relation \"staging.stg_orders\" does not exist"],
	['pl_hr_workday_sync', 'Invalid credentials: AADSTS7000215 client secret expired'],
	['ml_scoring_batch', 'PermissionDenied: User does not have READ on table ml.features_v3'],
	['pl_sales_returns', 'Operation on target Copy_Returns failed: Timeout after 7200 seconds']
];
const made: string[] = [];
let n = 0;
for (let day = 0; day < 40; day++) {
	const count = day < 7 ? 3 + ((day * 5) % 4) : day < 30 ? (day % 3) + 1 : day % 2;
	for (let i = 0; i < count; i++) {
		const [p, err] = pipelines[(day * 3 + i * 7) % pipelines.length]!;
		const id = await post('generic', {
			source: 'airflow',
			pipeline: p,
			run_id: `seed-${day}-${i}-${n++}`,
			error_message: err
		});
		if (id) made.push(`${day}|${i}|${id}`);
	}
}
// Move history back in time and settle most of it.
for (const row of made) {
	const [dayS, iS, id] = row.split('|');
	const day = Number(dayS), i = Number(iS);
	const created = new Date(Date.now() - day * 86_400_000 - (i * 3 + 1) * 3_600_000 - (day === 0 ? 0 : 1_800_000));
	const prio = ['P1', 'P2', 'P3', 'P4'][(day + i) % 4]!;
	const sla = { P1: 900, P2: 1800, P3: 7200, P4: 86400 }[prio]!;
	const open = day === 0 && i === 0;
	const ack = open ? null : Math.round(sla * (0.15 + ((day * 7 + i * 13) % 10) / 8));
	const settled = day > 0 || i > 1;
	const mttr = settled && ack ? ack + 1800 + ((day * 11 + i * 17) % 20) * 900 : null;
	await db.query(
		`update tickets set created_at = $2, priority = $3, sla_seconds = $4::int, sla_deadline = $2::timestamptz + make_interval(secs => $4::int),
			acknowledged_at = case when $5::int is null then null else $2::timestamptz + make_interval(secs => $5::int) end, ack_seconds = $5,
			acknowledged_by = case when $5::int is null then null else 'Dana Whitfield' end,
			resolved_at = case when $6::int is null then null else $2::timestamptz + make_interval(secs => $6::int) end, mttr_seconds = $6,
			resolved_by = case when $6::int is null then null else 'Dana Whitfield' end,
			sla_status = case when $5::int is null then (case when $2::timestamptz + make_interval(secs => $4::int) < now() then 'Breached' else 'Pending' end) when $5::int <= $4::int then 'Met' else 'Breached' end,
			status = case when $6::int is not null then 'closed' when $5::int is not null then 'in_progress' else 'open' end
		where id = $1`,
		[id, created, prio, sla, ack, mttr]
	);
}
console.log('tickets', made.length);
await db.end();
