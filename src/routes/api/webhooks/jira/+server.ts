import type { RequestHandler } from './$types';
import { handleJiraWebhook } from '#lib/server/http/jira-webhook.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = ({ request }) => handleJiraWebhook(runtime(), request);
