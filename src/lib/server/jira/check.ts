import type { ConnectionSettings } from '../connections/service.ts';
import { apiFor, readJiraConfig } from './connection.ts';

const NEEDED = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'TRANSITION_ISSUES', 'ADD_COMMENTS'];

/**
 * "Test connection": who the credentials are, that the default project is
 * reachable and has the issue type, and that Vigil may create, transition and
 * comment there. Throws one message naming everything that is missing.
 */
export async function testJiraConnection(
	settings: ConnectionSettings,
	timeoutMs: number
): Promise<{ user: string }> {
	const config = readJiraConfig(settings);
	if (!config)
		throw new Error(
			'Incomplete: a base URL and, for Cloud, an e-mail and API token (Server / Data Center: a personal access token)'
		);
	const api = apiFor(config, timeoutMs);
	const me = await api.myself();
	if (!config.projectKey) return { user: me.name };
	const project = await api.project(config.projectKey);
	const problems: string[] = [];
	if (!project.issueTypes.some((t) => t.toLowerCase() === config.issueType.toLowerCase()))
		problems.push(
			`project ${project.key} has no issue type "${config.issueType}" (it has ${project.issueTypes.join(', ') || 'none'})`
		);
	const granted = await api.permissions(project.key, NEEDED);
	const missing = NEEDED.filter((p) => !granted[p]);
	if (missing.length) problems.push(`${me.name} lacks ${missing.join(', ')} in ${project.key}`);
	if (problems.length) throw new Error(`Signed in as ${me.name}, but ${problems.join('; ')}`);
	return { user: me.name };
}
