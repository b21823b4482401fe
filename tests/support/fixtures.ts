import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const DIR = path.resolve(import.meta.dirname, 'fixtures');

export function fixtureText(rel: string): string {
	return readFileSync(path.join(DIR, rel), 'utf8');
}

export function fixture<T = Record<string, unknown>>(rel: string): T {
	return JSON.parse(fixtureText(rel)) as T;
}

export function fixtureNames(dir: string): string[] {
	return readdirSync(path.join(DIR, dir)).filter((f) => f.endsWith('.json'));
}
