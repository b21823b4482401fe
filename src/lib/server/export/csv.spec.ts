import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../tests/support/csv.ts';
import { csvCell, csvRow, streamCsv } from './csv.ts';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
	return new Response(stream).text();
}

async function* generate(n: number, pulled: { count: number }) {
	for (let i = 0; i < n; i++) {
		pulled.count++;
		yield [i, `row ${i}`];
	}
}

describe('csvCell', () => {
	it('quotes commas, quotes and line breaks per RFC 4180', () => {
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
		expect(csvCell('line1\r\nline2')).toBe('"line1\r\nline2"');
		expect(csvCell('plain text')).toBe('plain text');
	});

	it.each([
		[
			'=HYPERLINK("http://evil.example","click")',
			`"'=HYPERLINK(""http://evil.example"",""click"")"`
		],
		["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
		['+1', "'+1"],
		['-2+3', "'-2+3"],
		['@SUM(A1:A2)', "'@SUM(A1:A2)"],
		['\t=1', "'\t=1"],
		['\r=1', `"'\r=1"`],
		[' =1', "' =1"],
		['  \n@x', `"'  \n@x"`]
	])('neutralises the formula %j as text', (input, expected) => {
		expect(csvCell(input)).toBe(expected);
	});

	it.each([
		['\u200b=1+1', 'zero-width space'],
		['\ufeff=1+1', 'byte-order mark'],
		['\u200d\u2060@SUM(A1)', 'zero-width joiner and word joiner'],
		['\u00ad+1', 'soft hyphen'],
		['\u202e=1', 'right-to-left override'],
		['\u3000=1', 'ideographic space'],
		['＝1+1', 'full-width equals (U+FF1D)'],
		['＋1', 'full-width plus (U+FF0B)'],
		['－2', 'full-width hyphen-minus (U+FF0D)'],
		['＠SUM(A1)', 'full-width commercial at (U+FF20)'],
		['\u200b＝1', 'zero-width space then full-width equals'],
		['﹦1', 'small equals (U+FE66)']
	])('neutralises %j (%s) as text', (input) => {
		expect(csvCell(input)).toBe(`'${input}`);
	});

	it('leaves text with such characters inside alone', () => {
		expect(csvCell('a\u200b=1')).toBe('a\u200b=1');
		expect(csvCell('ｘ＝1')).toBe('ｘ＝1');
		expect(csvCell('\u200bplain')).toBe('\u200bplain');
	});

	it('writes numbers as numbers (negative ones too) but neutralises numeric-looking strings', () => {
		expect(csvCell(-2)).toBe('-2');
		expect(csvCell(3.5)).toBe('3.5');
		expect(csvCell('-2')).toBe("'-2");
	});

	it('formats empty values, dates, booleans, arrays and objects', () => {
		expect(csvCell(null)).toBe('');
		expect(csvCell(undefined)).toBe('');
		expect(csvCell(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678Z');
		expect(csvCell(true)).toBe('true');
		expect(csvCell(['Check the path', 'Rerun'])).toBe('Check the path | Rerun');
		expect(csvCell(['=1+1', 'ok'])).toBe("'=1+1 | ok");
		expect(csvCell({ a: 1, b: 'x,y' })).toBe('"{""a"":1,""b"":""x,y""}"');
	});
});

describe('csvRow and parseCsv', () => {
	it('round-trips awkward values', () => {
		const values = ['a,b', 'say "hi"', 'multi\nline', '', 'plain'];
		const text = csvRow(values) + csvRow(['x', 'y', 'z', 'w', 'v']);
		expect(text.endsWith('\r\n')).toBe(true);
		expect(parseCsv(text)).toEqual([values, ['x', 'y', 'z', 'w', 'v']]);
	});
});

describe('streamCsv', () => {
	it('writes the header then every row, with no byte-order mark', async () => {
		const text = await readAll(streamCsv(['n', 'label'], generate(1234, { count: 0 })));
		expect(text.charCodeAt(0)).toBe('n'.charCodeAt(0));
		const rows = parseCsv(text);
		expect(rows[0]).toEqual(['n', 'label']);
		expect(rows).toHaveLength(1235);
		expect(rows[1234]).toEqual(['1233', 'row 1233']);
	});

	it('writes only the header when there are no rows', async () => {
		expect(await readAll(streamCsv(['a', 'b'], generate(0, { count: 0 })))).toBe('a,b\r\n');
	});

	it('pulls rows only as the reader asks for them', async () => {
		const pulled = { count: 0 };
		const reader = streamCsv(['n', 'label'], generate(100_000, pulled)).getReader();
		await reader.read();
		expect(pulled.count).toBeGreaterThan(0);
		expect(pulled.count).toBeLessThan(2000);
		await reader.cancel();
	});

	it('stops the source when the reader cancels', async () => {
		let finished = false;
		async function* source() {
			try {
				for (let i = 0; ; i++) yield [i];
			} finally {
				finished = true;
			}
		}
		const reader = streamCsv(['n'], source()).getReader();
		await reader.read();
		await reader.cancel();
		expect(finished).toBe(true);
	});
});
