/**
 * The words of Jira field mapping shared by the admin page and the server:
 * the Vigil values a rule can read and the date formats it can write.
 */

/** The Vigil values a field mapping rule can read. */
export const VIGIL_SOURCES = [
	'priority',
	'severity',
	'category',
	'error_type',
	'team',
	'owner',
	'cost_center',
	'pipeline',
	'resource',
	'run_id',
	'run_link',
	'sla_deadline',
	'ticket_id'
] as const;
export type VigilSource = (typeof VIGIL_SOURCES)[number];

export const SOURCE_LABELS: Record<VigilSource | 'constant' | 'template', string> = {
	priority: 'Priority (P1–P4)',
	severity: 'Severity',
	category: 'Category',
	error_type: 'Error type',
	team: 'Team',
	owner: 'Owner',
	cost_center: 'Cost center',
	pipeline: 'Pipeline',
	resource: 'Resource',
	run_id: 'Run id',
	run_link: 'Link to the failed run',
	sla_deadline: 'SLA deadline',
	ticket_id: 'Ticket id',
	constant: 'Constant',
	template: 'Template'
};

export const DATE_FORMATS = ['date', 'datetime', 'text'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
