import { z } from 'zod';
import { parseRateRule, type RateRule } from '#lib/contracts/rate-rule.ts';

const optionalString = z
	.string()
	.trim()
	.transform((v) => (v === '' ? undefined : v))
	.optional();
const optionalUrl = optionalString.pipe(z.url({ message: 'must be a URL' }).optional());

const schema = z.object({
	DATABASE_URL: optionalString.pipe(
		z
			.string()
			.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
			.optional()
	),
	VIGIL_DATA_DIR: optionalString.default('./.vigil'),
	PORT: optionalString
		.transform((v) => (v === undefined ? 3000 : Number(v)))
		.pipe(z.number({ message: 'must be a number' }).int().min(0).max(65535)),
	ORIGIN: optionalUrl,
	/** Names this instance in /readyz and /metrics; default host name + pid (instance.ts). */
	VIGIL_INSTANCE_ID: optionalString.pipe(
		z
			.string()
			.max(100, 'must be at most 100 characters')
			.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
			.optional()
	),
	/** Webhooks per ingest key (`100/s`, `6000/min`); unset or `off`: no limit. */
	VIGIL_INGEST_RATE_LIMIT: optionalString.transform((v, ctx): RateRule | null => {
		const rule = parseRateRule(v);
		if (rule !== undefined) return rule;
		ctx.addIssue({ code: 'custom', message: 'must be like 100/s or 6000/min, or off' });
		return z.NEVER;
	}),
	/** Webhooks one instance works on at once; more wait in line (VIGIL_INGEST_QUEUE). */
	VIGIL_INGEST_CONCURRENCY: optionalString
		.transform((v) => (v === undefined ? 64 : Number(v)))
		.pipe(
			z.number({ message: 'must be a number' }).int('must be a whole number').min(1).max(10_000)
		),
	/** Webhooks waiting for a slot; past this they get 503 + Retry-After at once. */
	VIGIL_INGEST_QUEUE: optionalString
		.transform((v) => (v === undefined ? 1000 : Number(v)))
		.pipe(
			z.number({ message: 'must be a number' }).int('must be a whole number').min(0).max(100_000)
		),
	/** Days the MCP access log keeps a call (pruned hourly). */
	VIGIL_MCP_LOG_DAYS: optionalString
		.transform((v) => (v === undefined ? 90 : Number(v)))
		.pipe(
			z
				.number({ message: 'must be a whole number of days from 1 to 3650' })
				.int({ message: 'must be a whole number of days from 1 to 3650' })
				.min(1, { message: 'must be a whole number of days from 1 to 3650' })
				.max(3650, { message: 'must be a whole number of days from 1 to 3650' })
		),
	LOG_LEVEL: optionalString.pipe(
		z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
	),
	VIGIL_ADMIN_EMAIL: optionalString.pipe(
		z.email({ message: 'must be an e-mail address' }).optional()
	),
	VIGIL_ADMIN_PASSWORD: optionalString.pipe(
		z.string().min(12, 'must be at least 12 characters').optional()
	),
	VIGIL_INGEST_API_KEY: optionalString.pipe(
		z.string().min(24, 'must be at least 24 characters').optional()
	),
	METRICS_TOKEN: optionalString.pipe(
		z.string().min(24, 'must be at least 24 characters').optional()
	),
	VIGIL_ENCRYPTION_KEY: optionalString.pipe(
		z
			.string()
			.regex(/^[A-Za-z0-9+/]{43}=$|^[0-9a-fA-F]{64}$/, 'must be 32 bytes as base64 or hex')
			.optional()
	),
	ALLOWED_EMAIL_DOMAINS: optionalString.transform((v) =>
		(v ?? '')
			.split(',')
			.map((d) => d.trim().toLowerCase().replace(/^@/, ''))
			.filter(Boolean)
	),
	GEMINI_API_KEY: optionalString,
	GEMINI_MODEL: optionalString.default('gemini-2.5-flash'),
	GEMINI_BASE_URL: optionalUrl,
	SLACK_BOT_TOKEN: optionalString,
	SLACK_SIGNING_SECRET: optionalString,
	SLACK_DEFAULT_CHANNEL: optionalString,
	SLACK_API_URL: optionalUrl,
	JIRA_BASE_URL: optionalUrl,
	JIRA_DEPLOYMENT: optionalString.pipe(z.enum(['cloud', 'server']).default('cloud')),
	JIRA_EMAIL: optionalString,
	JIRA_API_TOKEN: optionalString,
	JIRA_PAT: optionalString,
	JIRA_PROJECT_KEY: optionalString,
	JIRA_ISSUE_TYPE: optionalString.default('Bug'),
	JIRA_WEBHOOK_SECRET: optionalString,
	/** Days the Jira event log keeps settled deliveries and calls (pruned hourly). */
	JIRA_EVENT_RETENTION_DAYS: optionalString
		.transform((v) => (v === undefined ? 30 : Number(v)))
		.pipe(
			z
				.number({ message: 'must be a whole number of days from 1 to 3650' })
				.int({ message: 'must be a whole number of days from 1 to 3650' })
				.min(1, { message: 'must be a whole number of days from 1 to 3650' })
				.max(3650, { message: 'must be a whole number of days from 1 to 3650' })
		),
	DATABRICKS_HOST: optionalUrl,
	DATABRICKS_TOKEN: optionalString
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
	readonly problems: string[];
	constructor(problems: string[]) {
		super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
		this.problems = problems;
	}
}

/** Parses the environment once; throws one ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
	const result = schema.safeParse(env);
	if (!result.success) {
		throw new ConfigError(
			result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`)
		);
	}
	const cfg = result.data;
	const problems: string[] = [];
	if (cfg.VIGIL_ADMIN_PASSWORD && !cfg.VIGIL_ADMIN_EMAIL)
		problems.push('VIGIL_ADMIN_PASSWORD: set VIGIL_ADMIN_EMAIL too');
	if (cfg.DATABRICKS_HOST && !cfg.DATABRICKS_TOKEN)
		problems.push('DATABRICKS_TOKEN: required when DATABRICKS_HOST is set');
	if (problems.length) throw new ConfigError(problems);
	return cfg;
}
