import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';
import { instanceId } from './instance.ts';

describe('configuration', () => {
	it('needs nothing: every variable has a safe default or is optional', () => {
		const cfg = parseConfig({});
		expect(cfg.PORT).toBe(3000);
		expect(cfg.VIGIL_DATA_DIR).toBe('./.vigil');
		expect(cfg.DATABASE_URL).toBeUndefined();
		expect(cfg.GEMINI_API_KEY).toBeUndefined();
		expect(cfg.ALLOWED_EMAIL_DOMAINS).toEqual([]);
	});

	it('treats empty strings as unset', () => {
		expect(parseConfig({ DATABASE_URL: '', PORT: '' }).DATABASE_URL).toBeUndefined();
	});

	it('normalises the allowed sign-up domains', () => {
		expect(
			parseConfig({ ALLOWED_EMAIL_DOMAINS: ' Contoso.com, @fabrikam.io ,' }).ALLOWED_EMAIL_DOMAINS
		).toEqual(['contoso.com', 'fabrikam.io']);
	});

	it('names this instance from VIGIL_INSTANCE_ID, else host name and pid', () => {
		expect(instanceId(parseConfig({ VIGIL_INSTANCE_ID: ' vigil-eu-1 ' }))).toBe('vigil-eu-1');
		expect(instanceId(parseConfig({}))).toMatch(new RegExp(`-${process.pid}$`));
		expect(() => parseConfig({ VIGIL_INSTANCE_ID: 'two words' })).toThrow(
			/VIGIL_INSTANCE_ID: must be printable ASCII without spaces/
		);
	});

	it('names every bad variable in one error', () => {
		let error: unknown;
		try {
			parseConfig({
				DATABASE_URL: 'mysql://x',
				PORT: 'eighty',
				VIGIL_ADMIN_EMAIL: 'not-an-email',
				VIGIL_ENCRYPTION_KEY: 'short',
				JIRA_DEPLOYMENT: 'cloudy'
			});
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const problems = (error as ConfigError).problems.join('\n');
		for (const name of [
			'DATABASE_URL',
			'PORT',
			'VIGIL_ADMIN_EMAIL',
			'VIGIL_ENCRYPTION_KEY',
			'JIRA_DEPLOYMENT'
		])
			expect(problems).toContain(name);
		expect((error as ConfigError).message.split('\n')).toHaveLength(6);
	});

	it('catches settings that only make sense together', () => {
		expect(() => parseConfig({ DATABRICKS_HOST: 'https://adb-1.azuredatabricks.net' })).toThrow(
			/DATABRICKS_TOKEN/
		);
	});
});
