import { describe, expect, it } from 'vitest';
import { redact } from './redact.ts';

// Built from parts so secret scanners do not flag the fixtures.
const PAT = `dapi${'0123456789abcdef'.repeat(2)}`;
const GITHUB = `ghp_${'A1b2C3d4E5'.repeat(4).slice(0, 36)}`;
const SLACK = ['xoxb', '2048861027', '5120930344819', 'Zq8fWn3LkT0pRb6sYc1vHd4M'].join('-');
const JWT = [
	'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9',
	'eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIiwidGlkIjoiNzJmOTg4YmYifQ',
	'c2lnbmF0dXJlLXZhbHVlLWZvci10ZXN0cw'
].join('.');
const SAS =
	'sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-10-15T00:00:00Z&st=2026-10-14T00:00:00Z&spr=https&sig=Zr4mP%2Bq9x1vT0k%2FaB3cD5eF7gH9iJ1kL3mN5oP7qR9s%3D';

function kinds(text: string): Record<string, number> {
	return Object.fromEntries(redact(text).redactions.map((r) => [r.kind, r.count]));
}

describe('redact', () => {
	it('removes a whole SAS query string from an ADF error and keeps the rest byte-identical', () => {
		const error = `Operation on target Copy_Orders failed: ErrorCode=UserErrorSourceBlobNotExists,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=The required Blob is missing. ContainerName: https://stsalesrawweu.blob.core.windows.net/landing?${SAS}, path: orders/2026/10/14/orders.csv.,Source=Microsoft.DataTransfer.ClientLibrary,'`;
		const result = redact(error);
		expect(result.text).toBe(error.replace(`?${SAS}`, '?[REDACTED:sas-token]'));
		expect(result.redactions).toEqual([{ kind: 'sas-token', count: 1 }]);
	});

	it('removes a bare SAS signature', () => {
		expect(redact('Signature did not match. sig=Zr4mP%2Bq9x1vT0k%3D was rejected').text).toBe(
			'Signature did not match. sig=[REDACTED:sas-signature] was rejected'
		);
	});

	it('removes passwords from ADO.NET and ODBC connection strings', () => {
		const adoNet =
			'Data Source=tcp:sql-crm-prod.database.windows.net,1433;Initial Catalog=crm;User ID=adf_loader;Password=S3cr3t!Pa55;Encrypt=True;';
		expect(redact(adoNet).text).toBe(adoNet.replace('S3cr3t!Pa55', '[REDACTED:password]'));
		const odbc =
			'Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql-crm-prod.database.windows.net,1433;Uid=adf_loader;Pwd={p@ss;w0rd};Encrypt=yes;';
		expect(redact(odbc).text).toBe(odbc.replace('{p@ss;w0rd}', '{[REDACTED:password]}'));
	});

	it('removes storage account keys and Service Bus shared access keys', () => {
		const storage =
			'DefaultEndpointsProtocol=https;AccountName=stsalesrawweu;AccountKey=q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/abcdEFGH==;EndpointSuffix=core.windows.net';
		expect(redact(storage).text).toBe(
			'DefaultEndpointsProtocol=https;AccountName=stsalesrawweu;AccountKey=[REDACTED:storage-account-key];EndpointSuffix=core.windows.net'
		);
		const serviceBus =
			'Endpoint=sb://ns-events.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=AbCdEf0123456789AbCdEf0123456789AbCdEf01234=';
		expect(kinds(serviceBus)).toEqual({ 'shared-access-key': 1 });
		expect(redact(serviceBus).text).toContain('SharedAccessKeyName=RootManageSharedAccessKey;');
	});

	it('removes JDBC passwords in both property and query form', () => {
		const sqlServer =
			'jdbc:sqlserver://sql-crm-prod.database.windows.net:1433;database=crm;user=adf_loader@sql-crm-prod;password={p@ss;word};encrypt=true';
		expect(redact(sqlServer).text).toBe(sqlServer.replace('{p@ss;word}', '{[REDACTED:password]}'));
		const postgres = 'jdbc:postgresql://pg-prod:5432/dwh?user=etl&password=hunter2&ssl=true';
		expect(redact(postgres).text).toBe(
			'jdbc:postgresql://pg-prod:5432/dwh?user=etl&password=[REDACTED:password]&ssl=true'
		);
	});

	it('removes credentials embedded in a URL', () => {
		expect(
			redact('could not connect to postgres://etl_user:hunter2@db.internal:5432/warehouse').text
		).toBe('could not connect to postgres://[REDACTED:url-credentials]@db.internal:5432/warehouse');
	});

	it('removes bearer tokens and JWTs', () => {
		const curl = `curl -H 'Authorization: Bearer ${JWT}' https://management.azure.com/subscriptions`;
		expect(redact(curl).text).toBe(
			"curl -H 'Authorization: Bearer [REDACTED:bearer-token]' https://management.azure.com/subscriptions"
		);
		expect(redact(`token from cache: ${JWT} expired`).text).toBe(
			'token from cache: [REDACTED:jwt] expired'
		);
	});

	it('removes a Databricks personal access token from a notebook error', () => {
		const error = `requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://adb-4412093817265530.10.azuredatabricks.net/api/2.1/jobs/run-now (token ${PAT}-2)`;
		expect(redact(error).text).toBe(error.replace(`${PAT}-2`, '[REDACTED:databricks-token]'));
	});

	it('removes GitHub, Slack and AWS keys and generic api_key/token/secret values', () => {
		const text = `git clone https://${GITHUB}@github.com/contoso/etl.git; SLACK_BOT=${SLACK}; AKIAIOSFODNN7EXAMPLE {"api_key": "k-93jf02kd", "client_secret":"Qv8~x.12", "token":"abc123def"} ?apikey=zz9`;
		const result = redact(text);
		for (const secret of [
			GITHUB,
			SLACK,
			'AKIAIOSFODNN7EXAMPLE',
			'k-93jf02kd',
			'Qv8~x.12',
			'abc123def',
			'zz9'
		])
			expect(result.text).not.toContain(secret);
		expect(result.text).toContain('"api_key": "[REDACTED:api-key]"');
		expect(kinds(text)).toMatchObject({
			'aws-access-key': 1,
			'slack-token': 1,
			'client-secret': 1
		});
	});

	it('removes e-mail addresses and counts each one', () => {
		const text =
			"Login failed. User: jane.doe@contoso.com, owner: 'svc-dataops@contoso.example', run by /Users/jane.doe@contoso.com/etl";
		const result = redact(text);
		expect(result.text).toBe(
			"Login failed. User: [REDACTED:email], owner: '[REDACTED:email]', run by /Users/[REDACTED:email]/etl"
		);
		expect(result.redactions).toEqual([{ kind: 'email', count: 3 }]);
	});

	it('leaves text without secrets unchanged, IP addresses and server names included', () => {
		const text =
			"Cannot connect to SQL Database. Server: 'sql-crm-prod.database.windows.net', Database: 'crm', User: 'adf_loader'. Reason: Password did not match. The Databricks access token has expired. SecretName: 'sql-password'. connect ECONNREFUSED 10.0.3.12:5432";
		expect(redact(text)).toEqual({ text, redactions: [] });
	});

	it('stays fast on a long pathological trace', () => {
		const trace = `${'a.'.repeat(100_000)}@ x://${'a:'.repeat(50_000)}`;
		const started = performance.now();
		redact(trace);
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it('is idempotent', () => {
		const samples = [
			`https://x.blob.core.windows.net/c/f.csv?${SAS}.`,
			'Server=tcp:db;Password="pa ss";AccountKey=abc==;',
			`Authorization: Bearer ${JWT} ${PAT} ${GITHUB} ${SLACK}`,
			'postgres://u:p@h/db mail me at a.b@c.io token=xyz secret: s3 sig=abc',
			'BlobEndpoint=https://x.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=abc%3D'
		];
		for (const sample of samples) {
			const once = redact(sample);
			const twice = redact(once.text);
			expect(twice.text).toBe(once.text);
			expect(twice.redactions).toEqual([]);
			expect(once.redactions.length).toBeGreaterThan(0);
		}
	});
});
