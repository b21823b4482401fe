import { describe, expect, it } from 'vitest';
import {
	adfRunUrl,
	databricksRunUrl,
	factoryIdFromParts,
	factoryResourceId,
	genericRunUrl
} from './run-links.ts';

const FACTORY =
	'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/resourceGroups/rg-sales/providers/Microsoft.DataFactory/factories/adf-sales-prod';

describe('ADF monitoring link', () => {
	it('is the pipeline run page with the factory resource id url-encoded', () => {
		expect(adfRunUrl(FACTORY, '4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60')).toBe(
			'https://adf.azure.com/en/monitoring/pipelineruns/4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60' +
				'?factory=%2Fsubscriptions%2F7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34%2FresourceGroups%2Frg-sales' +
				'%2Fproviders%2FMicrosoft.DataFactory%2Ffactories%2Fadf-sales-prod'
		);
	});

	it('takes the factory from a longer resource id (a pipeline) and lists its runs without a run id', () => {
		expect(factoryResourceId(`${FACTORY}/pipelines/pl_orders`)).toBe(FACTORY);
		expect(adfRunUrl(`${FACTORY}/pipelines/pl_orders`, null)).toBe(
			`https://adf.azure.com/en/monitoring/pipelineruns?factory=${encodeURIComponent(FACTORY)}`
		);
	});

	it('gives no link without a factory resource id, and encodes a run id that is not a GUID', () => {
		expect(adfRunUrl(null, 'run-1')).toBeNull();
		expect(adfRunUrl('adf-sales-prod', 'run-1')).toBeNull();
		expect(
			adfRunUrl(
				'/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z',
				'r'
			)
		).toBeNull();
		expect(adfRunUrl(FACTORY, 'a/b?c#d')).toMatch(/pipelineruns\/a%2Fb%3Fc%23d\?factory=/);
	});

	it('builds the factory id from a Logic App body’s parts, refusing parts with slashes', () => {
		expect(
			factoryIdFromParts('7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34', 'rg-sales', 'adf-sales-prod')
		).toBe(FACTORY);
		expect(factoryIdFromParts('sub', 'rg/../x', 'adf')).toBeNull();
		expect(factoryIdFromParts(null, 'rg', 'adf')).toBeNull();
	});
});

describe('Databricks run link', () => {
	it('is https://<host>/jobs/<job>/runs/<run>, with or without a scheme on the host', () => {
		const url =
			'https://adb-4412093817265530.10.azuredatabricks.net/jobs/578912345678/runs/914258733012345';
		expect(
			databricksRunUrl(
				'adb-4412093817265530.10.azuredatabricks.net',
				'578912345678',
				'914258733012345'
			)
		).toBe(url);
		expect(
			databricksRunUrl(
				'https://adb-4412093817265530.10.azuredatabricks.net/',
				'578912345678',
				'914258733012345'
			)
		).toBe(url);
	});

	it('gives no link without a host or job id, or with ids that are not numbers', () => {
		expect(databricksRunUrl(null, '1', '2')).toBeNull();
		expect(databricksRunUrl('adb-1.1.azuredatabricks.net', null, '2')).toBeNull();
		expect(databricksRunUrl('adb-1.1.azuredatabricks.net', '1', '2/../x')).toBeNull();
		expect(databricksRunUrl('javascript:alert(1)//', '1', '2')).toBeNull();
	});
});

describe('generic run link', () => {
	it('prefers the link named like the run, else the first web link', () => {
		expect(
			genericRunUrl({
				dashboard: 'https://grafana.example/d/1',
				run: 'https://airflow.example/run/1'
			})
		).toBe('https://airflow.example/run/1');
		expect(genericRunUrl({ Run_URL: 'https://ci.example/1' })).toBe('https://ci.example/1');
		expect(genericRunUrl({ logs: 'https://logs.example/1' })).toBe('https://logs.example/1');
	});

	it('never takes a javascript: or data: URL', () => {
		expect(genericRunUrl({ run: 'javascript:alert(1)' })).toBeNull();
		expect(
			genericRunUrl({ run: 'data:text/html,<script>alert(1)</script>', logs: 'https://l.example/' })
		).toBe('https://l.example/');
		expect(genericRunUrl({})).toBeNull();
	});
});
