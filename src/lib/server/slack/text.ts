/**
 * Text helpers for Slack messages. Pure: no SDK, no I/O.
 *
 * How untrusted text (error messages, pipeline names, root causes, people's
 * names) is kept inert: it only ever goes into `plain_text` objects and
 * rich_text `text` elements, which Slack renders literally (no mentions, no
 * links, no bold / italic / strike / code). mrkdwn is used only for text Vigil
 * builds itself (labels, enums, numbers, date tokens, ticket ids, checked
 * URLs), and even that passes through `escapeMrkdwn`. Slack documents no
 * escape for the formatting characters, so neutralising them in mrkdwn would
 * mean altering what people copy (run ids, pipeline names): plain_text avoids it.
 */

import { formatDuration as formatSharedDuration } from '#lib/format/duration.ts';

/** Slack's three control characters, per "Formatting text for app surfaces: escaping text". */
export function escapeMrkdwn(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens to `max` characters (code points, so emoji are never cut in half). */
export function clip(text: string, max: number): string {
	const chars = Array.from(text);
	return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** Slack's duration style: 45 → "45s", 192 → "3m 12s", 3720 → "1h 02m", 183600 → "2d 3h". */
export function formatDuration(seconds: number | null | undefined): string {
	return formatSharedDuration(seconds, { style: 'padded' });
}

/** Slack's date token: every reader sees the time in their own time zone. */
export function slackDate(iso: string, format = '{date_short_pretty} {time}'): string {
	const at = new Date(iso);
	if (Number.isNaN(at.getTime())) return '—';
	const fallback = at.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
	return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;
}

/**
 * An http(s) URL fit for `<url|label>`: characters that would end the link
 * early are percent-encoded and `&` is escaped. Anything else is refused (null).
 */
export function safeUrl(raw: string | null | undefined): string | null {
	if (!raw) return null;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return null;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
	return url.href
		.replace(/\|/g, '%7C')
		.replace(/</g, '%3C')
		.replace(/>/g, '%3E')
		.replace(/&/g, '&amp;');
}

/** A mrkdwn link; the label is escaped, and a bad URL leaves just the label. */
export function mrkdwnLink(url: string | null | undefined, label: string): string {
	const safe = safeUrl(url);
	const text = escapeMrkdwn(label).replace(/\|/g, '¦');
	return safe ? `<${safe}|${text}>` : text;
}

/** A user group id (`S0123ABCD`) as Slack's mention token, or null when it is not one. */
export function subteamMention(group: string | null | undefined): string | null {
	const id = group?.trim().match(/^(?:<!subteam\^)?(S[A-Z0-9]{2,30})(?:[|>].*)?$/)?.[1];
	return id ? `<!subteam^${id}>` : null;
}
