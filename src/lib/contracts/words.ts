/**
 * Every closed word list of the ticket contract, once. Plain arrays with no
 * library behind them, so a browser bundle can import them for free; the zod
 * enums in schemas.ts are built from these, and every type derives from those.
 */

export const SOURCES = ['adf', 'databricks', 'generic'] as const;
export const STATUSES = ['open', 'in_progress', 'closed'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const;
export const CONFIDENCES = ['Very High', 'High', 'Medium', 'Low'] as const;
export const CATEGORIES = [
	'source_missing',
	'connectivity',
	'authentication',
	'permission',
	'resource_exhausted',
	'timeout',
	'throttling',
	'schema_mismatch',
	'data_quality',
	'configuration',
	'cluster_launch',
	'dependency',
	'code_error',
	'upstream',
	'unknown'
] as const;
export const SLA_STATUSES = ['Pending', 'Met', 'Breached'] as const;
/**
 * `mcp`: an AI assistant or agent acting with a user's API token through /mcp.
 * `source`: the scheduler itself reported the run's outcome (recovery at source).
 */
export const ACTOR_SOURCES = [
	'system',
	'dashboard',
	'slack',
	'jira',
	'api',
	'mcp',
	'source'
] as const;
export const ROLES = ['viewer', 'responder', 'admin'] as const;
export const TRIAGE_SOURCES = ['offline', 'ai'] as const;
export const TRIAGE_STATUSES = ['pending', 'done', 'fallback', 'offline_only'] as const;
export const ENRICHMENT_STATUSES = ['pending', 'done', 'failed'] as const;
export const SLACK_STATUSES = ['pending', 'posted', 'failed'] as const;
export const JIRA_STATUSES = ['pending', 'linked', 'failed'] as const;
/** What a success reported by the source does to its open ticket, per source (admin setting). */
export const RECOVERY_MODES = ['off', 'mark', 'resolve'] as const;
/** The board's layouts: cards, or the compact table (one line a ticket). */
export const BOARD_LAYOUTS = ['cards', 'table'] as const;
