/**
 * Links to a failed run in its scheduler, built from what the alert says. Pure;
 * every link is https (or the scheme the configured host names) and anything
 * that does not look like an id gives no link rather than a wrong one.
 */

/** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DataFactory/factories/<name>`, also as the head of a longer id. */
const FACTORY_RESOURCE_ID =
	/^\/subscriptions\/[^/\s?#]+\/resourcegroups\/[^/\s?#]+\/providers\/microsoft\.datafactory\/factories\/[^/\s?#]+/i;

const ADF_MONITORING = 'https://adf.azure.com/en/monitoring/pipelineruns';

/** The factory's resource id at the head of `resourceId` (a factory, pipeline or run id), or null. */
export function factoryResourceId(resourceId: string | null | undefined): string | null {
	const m = resourceId ? FACTORY_RESOURCE_ID.exec(resourceId.trim()) : null;
	return m ? m[0] : null;
}

/** The factory's resource id from its parts, as a Logic App body may carry them. */
export function factoryIdFromParts(
	subscriptionId: string | null,
	resourceGroup: string | null,
	factory: string | null
): string | null {
	if (!subscriptionId || !resourceGroup || !factory) return null;
	const part = /^[^/\s?#]+$/;
	if (![subscriptionId, resourceGroup, factory].every((p) => part.test(p))) return null;
	return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.DataFactory/factories/${factory}`;
}

/**
 * ADF Studio's monitoring page of a pipeline run; without a run id (a metric alert
 * carries none) the factory's pipeline runs, where the failed one is on top.
 */
export function adfRunUrl(resourceId: string | null, runId: string | null): string | null {
	const factory = factoryResourceId(resourceId);
	if (!factory) return null;
	const query = `?factory=${encodeURIComponent(factory)}`;
	return runId ? `${ADF_MONITORING}/${encodeURIComponent(runId)}${query}` : ADF_MONITORING + query;
}

/** The workspace's origin from a configured host (`adb-123.4.azuredatabricks.net`, with or without a scheme). */
function workspaceOrigin(host: string): string | null {
	const trimmed = host.trim();
	try {
		const url = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
		return url.username || url.password ? null : url.origin;
	} catch {
		return null;
	}
}

/** The Databricks run page: `https://<host>/jobs/<jobId>/runs/<runId>`. */
export function databricksRunUrl(
	host: string | null,
	jobId: string | null,
	runId: string | null
): string | null {
	if (!host || !jobId || !runId || !/^\d+$/.test(jobId) || !/^\d+$/.test(runId)) return null;
	const origin = workspaceOrigin(host);
	return origin ? `${origin}/jobs/${jobId}/runs/${runId}` : null;
}

/** Link names senders use for the run itself, most specific first. */
const RUN_LINK_NAMES = [
	'run',
	'run_url',
	'runurl',
	'run_page',
	'run_page_url',
	'runpageurl',
	'url'
];

/** Only http(s): the link ends up as an href in the console, so `javascript:` must never get through. */
export function webLink(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	try {
		const url = new URL(value);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
	} catch {
		return null;
	}
}

/** The generic webhook's run link: the one named like a run link, else its first web link. */
export function genericRunUrl(links: Record<string, string>): string | null {
	const entries = Object.entries(links).filter(([, url]) => webLink(url) !== null);
	for (const name of RUN_LINK_NAMES) {
		const found = entries.find(([key]) => key.toLowerCase() === name);
		if (found) return webLink(found[1]);
	}
	return entries[0] ? webLink(entries[0][1]) : null;
}
