import { expect, type APIRequestContext } from '@playwright/test';
import type { JiraStandin } from '../support/jira-standin.ts';

export interface JiraConnectionOptions {
	/** Default Bug; a file that must not touch the Bug issues of another picks its own. */
	issueType?: string;
	/** Only a file that delivers Jira webhooks needs one. */
	webhookSecret?: string;
}

const settings = (jira: JiraStandin, options: JiraConnectionOptions) => ({
	baseUrl: jira.url,
	deployment: 'cloud',
	email: jira.email,
	projectKey: 'OPS',
	issueType: options.issueType ?? 'Bug'
});

/**
 * Points the running Vigil's Jira connection at a stand-in of the file's own. Its URL is a new
 * site, so the connection starts afresh: configured, breaker closed.
 */
export async function connectJira(
	request: APIRequestContext,
	jira: JiraStandin,
	options: JiraConnectionOptions = {}
): Promise<void> {
	// A new site URL needs its secrets in the same request.
	const data: Record<string, unknown> = { ...settings(jira, options), apiToken: jira.apiToken };
	if (options.webhookSecret) data.webhookSecret = options.webhookSecret;
	const res = await request.put('/api/admin/connections/jira', { data });
	expect(res.ok(), await res.text()).toBe(true);
	expect(await res.json()).toMatchObject({ configured: true, breaker_state: 'closed' });
}

/**
 * Takes the connection away again, so the other files see Vigil without Jira: unconfigured
 * first (no secret left), so nothing queued calls the stand-in once it is gone; then `tidy`
 * (the file's tickets), then the stand-in must have seen only well-formed calls.
 */
export async function releaseJira(
	request: APIRequestContext,
	jira: JiraStandin,
	tidy: () => Promise<void>,
	options: JiraConnectionOptions = {}
): Promise<void> {
	const res = await request.put('/api/admin/connections/jira', {
		data: { ...settings(jira, options), apiToken: null, webhookSecret: null }
	});
	expect(res.ok(), await res.text()).toBe(true);
	await tidy();
	expect(jira.violations).toEqual([]);
	await jira.close();
}
