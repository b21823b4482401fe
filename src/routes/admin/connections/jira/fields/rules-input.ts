import { DATE_FORMATS, VIGIL_SOURCES } from '#lib/contracts/jira-fields.ts';
import type { FieldRule } from '#lib/server/jira/fields.ts';

/** One row of the mapping form as typed: what the page shows again after a preview or a refusal. */
export interface RuleRow {
	source: string;
	value: string;
	valueMap: string;
	dateFormat: string;
	defaultValue: string;
}

export const EMPTY_ROW: RuleRow = {
	source: '',
	value: '',
	valueMap: '',
	dateFormat: '',
	defaultValue: ''
};

/** `Critical=Sev 1; High=Sev 1`: option values may hold commas, so pairs are split on `;` or new lines. */
export function parseValueMap(raw: string): Record<string, string> | string {
	const map: Record<string, string> = {};
	for (const part of raw.split(/[;\n]/)) {
		if (!part.trim()) continue;
		const at = part.indexOf('=');
		if (at <= 0) return `“${part.trim()}” is not Vigil value=Jira value`;
		map[part.slice(0, at).trim()] = part.slice(at + 1).trim();
	}
	return map;
}

export function formatValueMap(map: Record<string, string> | undefined): string {
	return Object.entries(map ?? {})
		.map(([k, v]) => `${k}=${v}`)
		.join('; ');
}

export function rowOf(rule: FieldRule | undefined): RuleRow {
	if (!rule) return EMPTY_ROW;
	return {
		source: rule.source,
		value: rule.value ?? '',
		valueMap: formatValueMap(rule.valueMap),
		dateFormat: rule.dateFormat ?? '',
		defaultValue: rule.defaultValue ?? ''
	};
}

/**
 * Reads the rows of the mapping form (`source.<fieldId>`, `value.<fieldId>`, …, one per field of
 * the create screen listed in `fieldId`) into rules; a row without a source maps nothing.
 * Shapes are checked by the service's zod schema; this only reports what it cannot pass on.
 */
export function rulesInput(f: FormData): {
	rules: unknown[];
	rows: Record<string, RuleRow>;
	errors: { field: string; message: string }[];
} {
	const rules: unknown[] = [];
	const rows: Record<string, RuleRow> = {};
	const errors: { field: string; message: string }[] = [];
	const text = (name: string) => String(f.get(name) ?? '').trim();
	for (const fieldId of f.getAll('fieldId').map(String)) {
		const row: RuleRow = {
			source: text(`source.${fieldId}`),
			value: text(`value.${fieldId}`),
			valueMap: text(`map.${fieldId}`),
			dateFormat: text(`date.${fieldId}`),
			defaultValue: text(`default.${fieldId}`)
		};
		rows[fieldId] = row;
		if (!row.source) continue;
		const valueMap = row.valueMap ? parseValueMap(row.valueMap) : undefined;
		if (typeof valueMap === 'string') {
			errors.push({ field: `rules.${fieldId}`, message: valueMap });
			continue;
		}
		if (row.dateFormat && !(DATE_FORMATS as readonly string[]).includes(row.dateFormat))
			errors.push({ field: `rules.${fieldId}`, message: `unknown date format ${row.dateFormat}` });
		const known = ['constant', 'template', ...VIGIL_SOURCES].includes(row.source);
		rules.push({
			fieldId,
			source: known ? row.source : row.source.slice(0, 50),
			...(row.value ? { value: row.value } : {}),
			...(valueMap && Object.keys(valueMap).length ? { valueMap } : {}),
			...(row.dateFormat ? { dateFormat: row.dateFormat } : {}),
			...(row.defaultValue ? { defaultValue: row.defaultValue } : {})
		});
	}
	return { rules, rows, errors };
}
