import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { readCsv, ticketLedger, uniqueWord } from './support.ts';

const tickets = ticketLedger();
test.afterAll(async ({ request }) => tickets.tidy(request));

test('the CSV export has the filtered rows, and formula cells come out as text', async ({
	page,
	request
}) => {
	const word = uniqueWord('csv');
	const evilPipeline = `=HYPERLINK("http://evil.example/${word}")`;
	const evilMessage = `=cmd|' /C calc'!A0`;
	const evil = await tickets.post(request, { pipeline: evilPipeline, error_message: evilMessage });
	const plain = await tickets.post(request, {
		pipeline: `finance_${word}.load_ledger`,
		error_message: 'psycopg2.OperationalError: could not connect to server: Connection refused'
	});

	// The export follows the board's tab and filter.
	await page.goto(`/?q=${word}`);
	await expect(page.getByTestId('ticket-card')).toHaveCount(2);
	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-csv').click();
	const download = await downloading;
	expect(download.suggestedFilename()).toMatch(/^vigil-tickets-\d{8}-\d{6}\.csv$/);

	const [header = [], ...rows] = readCsv(await readFile(await download.path(), 'utf8'));
	expect(header.slice(0, 6)).toEqual(['id', 'source', 'pipeline', 'run_id', 'resource', 'status']);
	expect(header).toEqual(
		expect.arrayContaining(['error_message', 'root_cause', 'priority', 'sla_deadline'])
	);
	const col = (name: string) => header.indexOf(name);
	for (const row of rows) expect(row).toHaveLength(header.length);
	expect(rows.map((r) => r[col('id')]).sort()).toEqual([evil, plain].sort());
	expect(rows.every((r) => r[col('status')] === 'open')).toBe(true);

	const evilRow = rows.find((r) => r[col('id')] === evil) ?? [];
	expect(evilRow[col('pipeline')]).toBe(`'${evilPipeline}`);
	expect(evilRow[col('error_message')]).toBe(`'${evilMessage}`);
	const plainRow = rows.find((r) => r[col('id')] === plain) ?? [];
	expect(plainRow[col('pipeline')]).toBe(`finance_${word}.load_ledger`);

	// No cell anywhere may start a formula (a negative number would be a number, not text).
	const formulas = rows.flat().filter((c) => /^\s*[=+\-@]/.test(c) && Number.isNaN(Number(c)));
	expect(formulas).toEqual([]);
});
