/**
 * The AI path over the triage corpus: for every message of the corpus test part, the prompt the
 * model gets carries the offline verdict and the redacted error text, and no secret.
 */
import { describe, expect, it } from 'vitest';
import { partOf, readCorpus, type CorpusItem } from '../../../../scripts/triage/corpus.ts';
import { classifyOffline } from './classifier.ts';
import { buildRcaPrompt, ERROR_BLOCK_END, ERROR_BLOCK_START } from './prompt.ts';
import { analyzeWithAi, type RcaModel } from './rca.ts';
import { redact } from './redact.ts';
import type { TriageInput, TriageResult } from './types.ts';

const clean = (text: string): string => redact(text).text;

/**
 * What the triage worker (worker.ts) hands to the AI: the alert with its error text and pipeline
 * redacted, and the offline result (stored on the ticket at ingest) with every free text redacted.
 */
function aiInput(raw: TriageInput, offline: TriageResult) {
	return {
		alert: { ...raw, pipeline: clean(raw.pipeline), errorMessage: clean(raw.errorMessage) },
		offline: {
			...offline,
			rootCause: clean(offline.rootCause),
			affectedEntity: offline.affectedEntity && clean(offline.affectedEntity),
			recommendations: offline.recommendations.map(clean),
			evidence: offline.evidence.map(clean)
		},
		similar: []
	};
}

function rawInput(item: Pick<CorpusItem, 'pipelineSource' | 'message'>): TriageInput {
	return {
		source: item.pipelineSource,
		pipeline: 'pl_corpus_check',
		resource: null,
		errorMessage: item.message,
		errorCode: null,
		failureType: null
	};
}

/** The text between the error block's delimiter lines (there must be exactly one block). */
function errorBlock(prompt: string): string {
	expect(prompt.split(ERROR_BLOCK_START)).toHaveLength(2);
	expect(prompt.split(ERROR_BLOCK_END)).toHaveLength(2);
	const start = prompt.indexOf(`${ERROR_BLOCK_START}\n`) + ERROR_BLOCK_START.length + 1;
	return prompt.slice(start, prompt.indexOf(`\n${ERROR_BLOCK_END}`));
}

/** The offline result as the prompt states it (the JSON under its heading). */
function offlineSection(prompt: string): Record<string, unknown> {
	const heading = '## Provisional result from the rule-based classifier\n';
	const start = prompt.indexOf(heading);
	const end = prompt.indexOf('\n\n## Similar past incidents');
	expect(start).toBeGreaterThanOrEqual(0);
	expect(end).toBeGreaterThan(start);
	return JSON.parse(prompt.slice(start + heading.length, end)) as Record<string, unknown>;
}

/** Checks one prompt against the offline verdict and the redacted error; returns the prompt. */
function checkPrompt(raw: TriageInput): { prompt: string; offline: TriageResult } {
	const offline = classifyOffline(raw);
	const input = aiInput(raw, offline);
	const { prompt } = buildRcaPrompt(input);
	const stated = offlineSection(prompt);
	expect(stated).toMatchObject({
		category: offline.category,
		error_type: offline.errorType,
		severity: offline.severity,
		priority: offline.priority,
		confidence: offline.confidence,
		root_cause: input.offline.rootCause,
		evidence: input.offline.evidence
	});
	expect(errorBlock(prompt)).toBe(clean(raw.errorMessage));
	return { prompt, offline };
}

const corpus = readCorpus();
const testPart = corpus.filter((item) => partOf(item.group) === 'test');

describe('the AI prompt over the corpus test part', () => {
	it('is a sample worth the name', () => {
		expect(testPart.length).toBeGreaterThanOrEqual(300);
		expect(new Set(testPart.map((item) => item.label)).size).toBeGreaterThanOrEqual(12);
		// Real messages as engineers posted them, not only ones derived from the catalogues.
		expect(testPart.filter((item) => item.kind === 'real').length).toBeGreaterThanOrEqual(50);
		expect(new Set(testPart.map((item) => item.pipelineSource))).toEqual(
			new Set(['adf', 'databricks', 'generic'])
		);
	});

	it('carries the offline verdict and the redacted error text for every message', () => {
		const failures: string[] = [];
		for (const item of testPart) {
			try {
				checkPrompt(rawInput(item));
			} catch (err) {
				failures.push(`${item.id}: ${(err as Error).message.split('\n')[0]}`);
			}
		}
		expect(failures).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------
// Secrets: each is what an error text really leaks, and must never reach the prompt.

interface Secret {
	kind: string;
	/** How it appears in an error text. */
	text: string;
	/** The parts that must not reach the model. */
	secret: string[];
}

const SECRETS: Secret[] = [
	{
		kind: 'SAS token in a blob URL',
		text: 'https://stcontosodatalake.blob.core.windows.net/landing/sales/orders.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T23:59:59Z&st=2024-01-01T00:00:00Z&spr=https&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo%3D',
		secret: ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo', 'se=2026-12-31T23:59:59Z']
	},
	{
		kind: 'password in a SQL connection string',
		text: "connection string 'Server=tcp:sql-crm-prod.database.windows.net,1433;Initial Catalog=crm;User ID=adf_loader;Password=S3cr3t!Pa55w0rd;Encrypt=True;'",
		secret: ['S3cr3t!Pa55w0rd']
	},
	{
		kind: 'storage account key',
		text: 'DefaultEndpointsProtocol=https;AccountName=stsalesprod01;AccountKey=q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ABCDEFGHIJ==;EndpointSuffix=core.windows.net',
		secret: ['q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789']
	},
	{
		kind: 'password in a database URL',
		text: 'postgresql://etl_user:Pg-pass2024x@pg-prod.internal:5432/warehouse',
		secret: ['Pg-pass2024x']
	},
	{
		kind: 'Databricks personal access token',
		text: 'token dapi0123456789abcdef0123456789abcdef was used',
		secret: ['dapi0123456789abcdef0123456789abcdef']
	},
	{
		kind: 'bearer token',
		text: 'Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIn0.c2lnbmF0dXJlX3NpZ25hdHVyZQ',
		secret: ['eyJhdWQiOiJodHRwczovL3N0b3JhZ2UuYXp1cmUuY29tIn0', 'c2lnbmF0dXJlX3NpZ25hdHVyZQ']
	},
	{
		kind: 'client secret',
		text: 'POST https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token grant_type=client_credentials&client_id=9b1de2f0&client_secret=Abc8Q~xYz0123456789-secretvalue_ABC',
		secret: ['Abc8Q~xYz0123456789-secretvalue_ABC']
	}
];

/** Real-shaped failures that quote a secret, as ADF, Spark and Airflow print them. */
const HANDWRITTEN: { source: TriageInput['source']; message: string; secret: string[] }[] = [
	{
		source: 'adf',
		message: `Operation on target Copy_Orders failed: Failure happened on 'Source' side. ErrorCode=UserErrorSourceBlobNotExists,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=The required Blob is missing. Folder path: ${SECRETS[0]!.text}.,Source=Microsoft.DataTransfer.ClientLibrary,'`,
		secret: SECRETS[0]!.secret
	},
	{
		source: 'adf',
		message: `Operation on target Copy_Customers failed: ErrorCode=SqlFailedToConnect,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Cannot connect to SQL Database with ${SECRETS[1]!.text}.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=System.Data.SqlClient.SqlException,Message=Login failed for user 'adf_loader'.,Source=.Net SqlClient Data Provider,SqlErrorNumber=18456,Class=14,ErrorCode=-2146232060,State=1,'`,
		secret: SECRETS[1]!.secret
	},
	{
		source: 'databricks',
		message: `py4j.protocol.Py4JJavaError: An error occurred while calling o87.load.\n: shaded.databricks.org.apache.hadoop.fs.azure.AzureException: com.microsoft.azure.storage.StorageException: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. (${SECRETS[2]!.text})`,
		secret: SECRETS[2]!.secret
	},
	{
		source: 'generic',
		message: `airflow.exceptions.AirflowException: Task failed. State: FAILED. Error: sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "pg-prod.internal" (10.20.4.17), port 5432 failed: FATAL:  password authentication failed for user "etl_user" (Background on this error at: https://sqlalche.me/e/20/e3q8) [url: ${SECRETS[3]!.text}]`,
		secret: SECRETS[3]!.secret
	},
	{
		source: 'generic',
		message: `requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://adb-4412093817265530.10.azuredatabricks.net/api/2.1/jobs/run-now (${SECRETS[4]!.text}; ${SECRETS[5]!.text})`,
		secret: [...SECRETS[4]!.secret, ...SECRETS[5]!.secret]
	},
	{
		source: 'databricks',
		message: `Run 884213 failed with error message\n com.microsoft.aad.msal4j.MsalServiceException: AADSTS7000215: Invalid client secret provided. Request: ${SECRETS[6]!.text}`,
		secret: SECRETS[6]!.secret
	}
];

/** Every 20th message of the test part, with one secret (in turn) appended to its text. */
const WITH_SECRETS = testPart
	.filter((_, i) => i % 20 === 0)
	.map((item, i) => {
		const secret = SECRETS[i % SECRETS.length]!;
		return { item, secret, message: `${item.message}\nDetails: ${secret.text}` };
	});

function expectNoSecret(prompt: string, system: string, secrets: readonly string[]) {
	for (const secret of secrets) {
		expect(prompt, `${secret} reached the prompt`).not.toContain(secret);
		expect(system).not.toContain(secret);
	}
	expect(prompt).toContain('[REDACTED:');
}

describe('secrets in the error text', () => {
	it('covers every kind of secret at least twice in the corpus sample', () => {
		expect(WITH_SECRETS.length).toBeGreaterThanOrEqual(2 * SECRETS.length);
	});

	it.each(HANDWRITTEN.map((c, i) => [i + 1, c] as const))(
		'handwritten failure %i: verdict and redacted error in the prompt, secret absent',
		(_, { source, message, secret }) => {
			for (const part of secret) expect(message).toContain(part);
			const raw = { ...rawInput({ pipelineSource: source, message }) };
			const { prompt } = checkPrompt(raw);
			expectNoSecret(prompt, buildRcaPrompt(aiInput(raw, classifyOffline(raw))).system, secret);
		}
	);

	it('never reach the prompt of a corpus message that quotes one', () => {
		for (const { item, secret, message } of WITH_SECRETS) {
			const raw = rawInput({ pipelineSource: item.pipelineSource, message });
			const { prompt } = checkPrompt(raw);
			for (const part of secret.secret) {
				expect(prompt, `${item.id} + ${secret.kind}`).not.toContain(part);
			}
			expect(errorBlock(prompt), `${item.id} + ${secret.kind}`).toContain('[REDACTED:');
		}
	});

	it('are absent from what analyzeWithAi sends to the model, which is the prompt checked above', async () => {
		const sent: { system: string; prompt: string }[] = [];
		const model: RcaModel = {
			model: 'capture',
			generate: async (req) => {
				sent.push({ system: req.system, prompt: req.prompt });
				return { text: undefined, finishReason: 'STOP', blockReason: undefined, usage: null };
			}
		};
		for (const { source, message, secret } of HANDWRITTEN) {
			const raw = rawInput({ pipelineSource: source, message });
			const input = aiInput(raw, classifyOffline(raw));
			await analyzeWithAi(model, input, { maxAttempts: 1, baseDelayMs: 0 });
			const last = sent.at(-1)!;
			expect(last).toEqual(buildRcaPrompt(input));
			expectNoSecret(last.prompt, last.system, secret);
		}
		expect(sent).toHaveLength(HANDWRITTEN.length);
	});
});
