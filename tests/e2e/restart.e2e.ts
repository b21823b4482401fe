/**
 * A real server restart under an open ticket page (issue #11, item 7): Vigil's
 * own process is stopped (SIGTERM, as a deploy does) and started again on the
 * same port and database. The page stays the ticket's page the whole time,
 * never the browser's error page, and shows what changed meanwhile without a
 * reload. A server of this test's own, so the run's shared server stays up.
 */
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { E2E } from './env.ts';
import { expectNotReloaded, markDocument, uniqueWord } from './support.ts';
import { freshDatabase, spawnVigil } from './vigil-process.ts';

/** A port nobody listens on now (the restarted server takes the same one). */
async function freePort(): Promise<number> {
	const server = net.createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as net.AddressInfo;
	server.close();
	await once(server, 'close');
	return port;
}

async function untilHealthy(base: string): Promise<void> {
	const deadline = Date.now() + 90_000;
	for (;;) {
		const ok = await fetch(`${base}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) return;
		if (Date.now() > deadline) throw new Error(`${base} did not come up`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	await exited;
}

test('the ticket page survives a real server restart and catches up without a reload', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigil-e2e-restart-'));
	// As start-server.ts: run as root, the embedded PostgreSQL runs as another user, which
	// must reach its directory inside this one (mkdtemp makes it 0700).
	await chmod(dataDir, 0o755);
	const db = await freshDatabase(`vigil_e2e_restart_${process.pid}`);
	const start = async () => {
		const child = spawnVigil({ port, databaseUrl: db.url, dataDir });
		await untilHealthy(base);
		return child;
	};
	let server = await start();
	const context = await browser.newContext({
		baseURL: base,
		storageState: { cookies: [], origins: [] }
	});
	try {
		const api: APIRequestContext = context.request;
		const signIn = await api.post('/api/auth/login', { data: E2E.admin });
		expect(signIn.ok(), await signIn.text()).toBe(true);
		const pipeline = `crm_${uniqueWord('restart')}.sync_accounts`;
		const posted = await api.post('/api/webhooks/generic', {
			headers: { 'x-api-key': E2E.ingestKey },
			data: {
				source: 'airflow',
				pipeline,
				run_id: uniqueWord('run-'),
				error_message: 'Task exited with return code 1'
			}
		});
		expect(posted.status(), await posted.text()).toBe(201);
		const id = ((await posted.json()) as { ticket_id: string }).ticket_id;

		const page = await context.newPage();
		await page.goto(`/tickets/${id}`);
		const indicator = page.getByTestId('connection-indicator');
		await expect(indicator).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
		const heading = page.getByRole('heading', { level: 1, name: pipeline });
		await expect(heading).toBeVisible();
		await markDocument(page);

		// The process ends; the page notices, falls back to polling, and its polls fail.
		await stop(server);
		await expect(indicator).not.toHaveAttribute('data-state', 'live', { timeout: 10_000 });
		await expect(indicator).toHaveAttribute('data-state', 'polling', { timeout: 15_000 });
		await page.waitForTimeout(16_000);
		await expect(heading).toBeVisible();
		expect(page.url()).toBe(`${base}/tickets/${id}`);

		// The same build starts again on the same port and database; meanwhile someone acts.
		server = await start();
		const ack = await api.post(`/api/tickets/${id}/acknowledge`, { data: {} });
		expect(ack.ok(), await ack.text()).toBe(true);
		await expect(indicator).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
		await expect(page.getByText('In progress', { exact: true }).first()).toBeVisible({
			timeout: 20_000
		});
		// The timeline has the action taken while the page was away (by the API user, from the API).
		await expect(page.getByRole('listitem').filter({ hasText: /Acknowledged\s+by/ })).toHaveCount(
			1
		);
		await expect(heading).toBeVisible();
		await expectNotReloaded(page);
	} finally {
		await context.close();
		await stop(server);
		await db.drop().catch(() => {});
		await rm(dataDir, { recursive: true, force: true }).catch(() => {});
	}
});
