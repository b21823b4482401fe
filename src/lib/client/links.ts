import type { TicketDto } from '#lib/contracts/tickets.ts';

export interface NamedLink {
	label: string;
	href: string;
}

/** Only web links become anchors: a javascript: or data: URL from a webhook stays text. */
export function safeHref(url: string | null | undefined): string | null {
	if (!url) return null;
	try {
		const u = new URL(url);
		return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
	} catch {
		return null;
	}
}

const LABELS: Record<string, string> = {
	run: 'Run page',
	run_page_url: 'Run page',
	runPageUrl: 'Run page',
	logs: 'Logs',
	dashboard: 'Dashboard'
};

export function ticketLinks(t: Pick<TicketDto, 'links'>): NamedLink[] {
	return Object.entries(t.links ?? {}).flatMap(([key, url]) => {
		const href = safeHref(typeof url === 'string' ? url : null);
		return href ? [{ label: LABELS[key] ?? key.replace(/[_-]+/g, ' '), href }] : [];
	});
}

/** Slack opens a message from its channel id and timestamp; the workspace follows the signed-in user. */
export function slackHref(t: Pick<TicketDto, 'slack_channel' | 'slack_ts'>): string | null {
	if (!t.slack_channel || !t.slack_ts || !/^[A-Z0-9]+$/i.test(t.slack_channel)) return null;
	if (!/^\d+\.\d+$/.test(t.slack_ts)) return null;
	return `https://slack.com/archives/${t.slack_channel}/p${t.slack_ts.replace('.', '')}`;
}
