/**
 * The Jira stand-in (tests/support/jira-standin.ts) in its own process for bench/jira.ts, so
 * Jira's side (routing, OpenAPI validation of every request and answer) does not run on
 * Vigil's event loop. Talks over IPC: announces { ready, url, email, apiToken }, then answers
 * each request by its id. Exits when the parent goes away.
 */
import {
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraWebhookEvent
} from '../../tests/support/jira-standin.ts';

export type StandinRequest =
	{ id: number; op: 'transition'; key: string; to: string } | { id: number; op: 'report' };

export interface StandinReport {
	issues: number;
	requests: Record<string, number>;
	violations: string[];
	responseViolations: string[];
}

export type StandinMessage =
	| { ready: true; url: string; email: string; apiToken: string }
	| { id: number; event: JiraWebhookEvent }
	| { id: number; report: StandinReport }
	| { id: number; error: string };

const send = (m: StandinMessage) => process.send!(m);

const jira = await startJiraStandin({ mode: 'cloud' });

process.on('message', (m: StandinRequest) => {
	try {
		if (m.op === 'transition') {
			send({ id: m.id, event: jira.transitionAs(STANDIN_PEOPLE.marco, m.key, m.to) });
		} else {
			const requests: Record<string, number> = {};
			for (const r of jira.requests) {
				const name = r.operation ?? `${r.method} ${r.path}`;
				requests[name] = (requests[name] ?? 0) + 1;
			}
			send({
				id: m.id,
				report: {
					issues: jira.issues().length,
					requests,
					violations: jira.violations.slice(0, 20),
					responseViolations: jira.responseViolations.slice(0, 20)
				}
			});
		}
	} catch (err) {
		send({ id: m.id, error: (err as Error).message });
	}
});

const stop = () => void jira.close().finally(() => process.exit(0));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
// Ctrl-C reaches the whole process group: the parent decides when this one goes (SIGTERM).
process.on('SIGINT', () => {});

send({ ready: true, url: jira.url, email: jira.email, apiToken: jira.apiToken });
