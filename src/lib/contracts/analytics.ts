/** What the analytics page shows: shared by its server load and its charts. */
import type { Priority } from './tickets.ts';

export const ANALYTICS_RANGES = ['24h', '7d', '30d', '90d'] as const;
export type AnalyticsRange = (typeof ANALYTICS_RANGES)[number];

/** Median and 90th percentile, in seconds; null when nothing was measured. */
export interface Percentiles {
	p50: number | null;
	p90: number | null;
}

export interface SlaCounts {
	met: number;
	breached: number;
	/** Still inside the acknowledgement window: no outcome yet, left out of compliance. */
	pending: number;
	/** met / (met + breached), 0..1; null when no incident has an outcome. */
	compliance: number | null;
}

export interface AnalyticsBucket extends SlaCounts {
	/** Start of the hour or day (UTC), ISO. */
	start: string;
	incidents: number;
	by_priority: Record<Priority, number>;
	mtta: Percentiles;
	mttr: Percentiles;
}

export interface AnalyticsSummary extends SlaCounts {
	incidents: number;
	/** Of the incidents in the range, those not resolved yet. */
	unresolved: number;
	p1: number;
	mtta: Percentiles;
	mttr: Percentiles;
}

export interface PipelineCount {
	pipeline: string;
	incidents: number;
	/** Failures, counting repeats folded into an incident. */
	failures: number;
	breached: number;
	last_at: string;
}

export interface TeamCount extends SlaCounts {
	/** null = no routing rule gave the incident a team. */
	team: string | null;
	incidents: number;
	mtta_p50: number | null;
}

/** Time the Jira issues of the range's incidents spent in one status (an issue counts once). */
export interface JiraStatusTime {
	status: string;
	category: 'new' | 'indeterminate' | 'done' | null;
	/** Issues that were in this status at least once. */
	issues: number;
	/** Per issue, all its stays summed; a stay not over yet counts until now. */
	avg_seconds: number;
	p50_seconds: number;
}

/** Jira-side resolution time (issue created → closed, from its changelog) of one team. */
export interface JiraTeamResolution {
	team: string | null;
	resolved: number;
	avg_seconds: number;
	p50_seconds: number;
}

export interface AnalyticsDto {
	range: AnalyticsRange;
	unit: 'hour' | 'day';
	/** Incidents created in [from, to) are counted; buckets cover exactly that window. */
	from: string;
	to: string;
	summary: AnalyticsSummary;
	buckets: AnalyticsBucket[];
	pipelines: PipelineCount[];
	teams: TeamCount[];
	/** From the changelogs of the incidents' Jira issues; empty without Jira. */
	jira: { statuses: JiraStatusTime[]; teams: JiraTeamResolution[] };
}
