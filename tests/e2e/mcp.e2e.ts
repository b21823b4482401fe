/**
 * What an assistant did, as an admin finds it: a script connected with a personal API
 * token (the MCP SDK's own client) reads tickets and sends a bad filter, which is refused;
 * the admin opens MCP activity from the audit trail, sees every call with its arguments and
 * outcome, narrows to the refused ones, and the CSV export follows the filter.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test } from '@playwright/test';
import {
	hydrated,
	screenshotBoth,
	themedAdminContext,
	ticketLedger,
	uniqueWord
} from './support.ts';

test.describe.configure({ mode: 'serial' });

const tickets = ticketLedger();
let client: Client | undefined;

test.afterAll(async ({ request }) => {
	await client?.close().catch(() => {});
	await tickets.tidy(request);
});

test('an admin sees what an assistant read and was refused, and exports it', async ({
	page,
	request,
	browser
}) => {
	const word = uniqueWord('mcp');
	const id = await tickets.post(request, { pipeline: `pl_${word}`, error_message: 'Disk full' });
	const tokenName = `Claude Desktop ${word}`;
	const created = await request.post('/api/tokens', { data: { name: tokenName } });
	expect(created.status(), await created.text()).toBe(201);
	const { token } = (await created.json()) as { token: string };

	const baseURL = test.info().project.use.baseURL!;
	client = new Client({ name: 'e2e-assistant', version: '1.0.0' });
	await client.connect(
		new StreamableHTTPClientTransport(new URL('/mcp', baseURL), {
			requestInit: { headers: { authorization: `Bearer ${token}` } }
		})
	);
	const session = (client.transport as StreamableHTTPClientTransport).sessionId!;
	await client.callTool({ name: 'search_tickets', arguments: { q: word, status: 'open' } });
	await client.callTool({ name: 'get_ticket', arguments: { id } });
	const wrong = await client.callTool({
		name: 'search_tickets',
		arguments: { status: 'burning' }
	});
	expect(wrong.isError).toBe(true);
	await client.readResource({ uri: `vigil://tickets/${id}` });
	await client.getPrompt({ name: 'triage_ticket', arguments: { ticket_id: id } });

	// From the audit trail, the admin goes to everything assistants did.
	await page.goto('/audit');
	await page.getByRole('link', { name: 'MCP activity' }).first().click();
	await expect(page).toHaveURL(/\/admin\/mcp$/);
	await expect(page.getByRole('heading', { name: 'MCP activity' })).toBeVisible();

	// This session's calls only: the shared e2e database may hold others.
	await page.goto(`/admin/mcp?session_id=${session}`);
	await hydrated(page);
	const table = page.locator('table');
	await expect(table.locator('tbody tr')).toHaveCount(5);
	await expect(table.getByText(`token “${tokenName}”`).first()).toBeVisible();
	await expect(table.getByText(`q=${word}`)).toBeVisible();
	await expect(table.getByText('status must be one of open, in_progress, closed')).toBeVisible();
	await expect(table.getByRole('link', { name: id }).first()).toBeVisible();
	await expect(table.getByText('triage_ticket')).toBeVisible();

	await page.getByLabel('Filter by outcome').selectOption('error');
	await expect(page).toHaveURL(/outcome=error/);
	await expect(table.locator('tbody tr')).toHaveCount(1);
	const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
	expect(href).toContain('outcome=error');
	expect(href).toContain(`session_id=${session}`);
	const csv = await request.get(href!);
	expect(csv.status()).toBe(200);
	const lines = (await csv.text()).trim().split('\r\n');
	expect(lines).toHaveLength(2);
	expect(lines[1]).toContain('status must be one of open, in_progress, closed');

	await page.getByLabel('Filter by tool, prompt or resource').selectOption('kind:resource');
	await expect(page).toHaveURL(/kind=resource/);
	await expect(page.getByText('No calls match')).toBeVisible();

	for (const theme of ['dark', 'light'] as const) {
		const context = await themedAdminContext(browser, theme);
		const p = await context.newPage();
		await p.goto(`/admin/mcp?session_id=${session}`);
		await expect(p.locator('tbody tr')).toHaveCount(5);
		await screenshotBoth(p, 'admin-mcp', theme);
		await context.close();
	}
});
