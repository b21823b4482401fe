/** The subset of Block Kit that Vigil sends (https://api.slack.com/reference/block-kit). */

export interface PlainText {
	type: 'plain_text';
	text: string;
	emoji?: boolean;
}
export interface Mrkdwn {
	type: 'mrkdwn';
	text: string;
	/** true: Slack does not auto-link bare URLs, #channels or @names in it. */
	verbatim?: boolean;
}
export type TextObject = PlainText | Mrkdwn;

export interface RichTextRun {
	type: 'text';
	text: string;
	style?: { bold?: boolean; italic?: boolean; code?: boolean };
}
export interface RichTextSection {
	type: 'rich_text_section';
	elements: RichTextRun[];
}
export interface RichTextList {
	type: 'rich_text_list';
	style: 'bullet' | 'ordered';
	elements: RichTextSection[];
}
export interface RichTextPreformatted {
	type: 'rich_text_preformatted';
	elements: RichTextRun[];
}

export interface Button {
	type: 'button';
	action_id: string;
	text: PlainText;
	value?: string;
	url?: string;
	style?: 'primary' | 'danger';
}

export type Block =
	| { type: 'header'; block_id?: string; text: PlainText }
	| { type: 'section'; block_id?: string; text?: TextObject; fields?: TextObject[] }
	| { type: 'context'; block_id?: string; elements: TextObject[] }
	| { type: 'divider'; block_id?: string }
	| { type: 'actions'; block_id?: string; elements: Button[] }
	| {
			type: 'rich_text';
			block_id?: string;
			elements: (RichTextSection | RichTextList | RichTextPreformatted)[];
	  };

/** A message: blocks for display, `text` for notifications and clients without blocks. */
export interface SlackMessage {
	text: string;
	blocks: Block[];
}

/** Slack's documented limits, enforced when building. */
export const LIMITS = {
	blocks: 50,
	header: 150,
	sectionText: 3000,
	field: 2000,
	fields: 10,
	buttonText: 75,
	fallbackText: 4000
} as const;

export const plain = (text: string): PlainText => ({
	type: 'plain_text',
	text: text || ' ',
	emoji: false
});
export const md = (text: string): Mrkdwn => ({ type: 'mrkdwn', text, verbatim: true });
export const run = (text: string, style?: RichTextRun['style']): RichTextRun =>
	style ? { type: 'text', text, style } : { type: 'text', text };
