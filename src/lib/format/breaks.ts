/**
 * A long identifier (pl_orders_daily_customer_dim_load, a.b.c, a-b-c, a/b) split
 * just after its separators, so a narrow screen wraps it between words rather than
 * mid-word: each part but the last ends with its separator, and the page puts a
 * <wbr> between parts. Text without separators is one part (CSS still breaks it
 * anywhere as a last resort).
 */
export function breakParts(text: string): string[] {
	return text.split(/(?<=[_./:\\-])(?=[^_./:\\-])/);
}
