/**
 * CSV per RFC 4180 (comma, CRLF, fields quoted when they hold a quote, comma
 * or line break), with formula injection neutralised for spreadsheet users.
 */

// OWASP / ASVS 1.2.10: a spreadsheet evaluates a cell that starts with one of
// these. Excel also skips leading blanks before deciding, hence the \s* (which
// takes in U+FEFF and the ideographic space). Invisible characters (zero-width,
// soft hyphen, word joiner, bidi marks) may hide the sign from a reader, and East
// Asian input turns the full-width and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫) into
// formulas too, so those count as well.
const FORMULA_START =
	/^(?:[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b]|[\t\r\0])/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The text of one value: dates as ISO strings, arrays joined with ' | ', objects as JSON. */
function cellText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
	if (Array.isArray(value)) return value.map(cellText).join(' | ');
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/**
 * One field, quoted when needed. A value of type number is written as is (a
 * negative amount stays a number in the spreadsheet); every string that could
 * start a formula — `-2+3` included — gets a leading `'`, which spreadsheets
 * show as text and never evaluate.
 */
export function csvCell(value: unknown): string {
	let text: string;
	if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
	else if (typeof value === 'bigint' || typeof value === 'boolean') text = String(value);
	else {
		text = cellText(value);
		if (FORMULA_START.test(text)) text = `'${text}`;
	}
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
	return `${values.map(csvCell).join(',')}\r\n`;
}

const BATCH_ROWS = 500;

/**
 * Streams a header and rows as UTF-8. Rows are pulled only when the client
 * reads, BATCH_ROWS at a time, so memory stays flat however long the export.
 * No byte-order mark: it breaks `head`, `cut`, `csvkit` and other CLI tools
 * (the first column name gains three invisible bytes); Excel reads UTF-8 fine
 * through Data → From Text/CSV.
 */
export function streamCsv(
	header: readonly string[],
	rows: AsyncIterable<readonly unknown[]>
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const iterator = rows[Symbol.asyncIterator]();
	let headerSent = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			let chunk = headerSent ? '' : csvRow(header);
			headerSent = true;
			try {
				for (let n = 0; n < BATCH_ROWS; n++) {
					const next = await iterator.next();
					if (next.done) {
						if (chunk) controller.enqueue(encoder.encode(chunk));
						controller.close();
						return;
					}
					chunk += csvRow(next.value);
				}
			} catch (err) {
				controller.error(err);
				return;
			}
			controller.enqueue(encoder.encode(chunk));
		},
		async cancel() {
			// The client went away: stop paging through the database.
			await iterator.return?.();
		}
	});
}
