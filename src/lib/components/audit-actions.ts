import {
	AlarmClockOff,
	ArrowUpDown,
	BellOff,
	BotOff,
	CircleCheck,
	CircleDot,
	Layers,
	Split,
	CirclePlus,
	Database,
	DatabaseZap,
	GitCompareArrows,
	MessageSquareDiff,
	MessageSquareText,
	Repeat2,
	RefreshCcwDot,
	RotateCcw,
	RotateCw,
	Sparkles,
	TicketMinus,
	TicketPlus,
	TicketSlash,
	TicketX,
	UserCheck
} from '@lucide/svelte';
import type { LucideIcon } from '@lucide/svelte';

/** Full class strings (Tailwind only sees literal classes): light and dark, AA contrast on both. */
const TONES = {
	sky: 'bg-sky-50 text-sky-800 ring-sky-600/25 dark:bg-sky-500/15 dark:text-sky-200 dark:ring-sky-400/30',
	amber:
		'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-500/15 dark:text-amber-200 dark:ring-amber-400/30',
	emerald:
		'bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-500/15 dark:text-emerald-200 dark:ring-emerald-400/30',
	teal: 'bg-teal-50 text-teal-800 ring-teal-600/25 dark:bg-teal-500/15 dark:text-teal-200 dark:ring-teal-400/30',
	violet:
		'bg-violet-50 text-violet-800 ring-violet-600/25 dark:bg-violet-500/15 dark:text-violet-200 dark:ring-violet-400/30',
	red: 'bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-500/15 dark:text-red-200 dark:ring-red-400/35',
	orange:
		'bg-orange-50 text-orange-900 ring-orange-600/30 dark:bg-orange-500/15 dark:text-orange-200 dark:ring-orange-400/30',
	indigo:
		'bg-indigo-50 text-indigo-800 ring-indigo-600/25 dark:bg-indigo-500/15 dark:text-indigo-200 dark:ring-indigo-400/30',
	cyan: 'bg-cyan-50 text-cyan-900 ring-cyan-600/25 dark:bg-cyan-500/15 dark:text-cyan-200 dark:ring-cyan-400/30',
	slate:
		'bg-slate-100 text-slate-700 ring-slate-500/25 dark:bg-slate-500/15 dark:text-slate-300 dark:ring-slate-400/30'
} as const;

export interface ActionStyle {
	tone: string;
	icon: LucideIcon;
}

/** Every action the application writes, in the order a ticket usually meets them. */
export const AUDIT_ACTIONS: Record<string, ActionStyle> = {
	'Ticket Created': { tone: TONES.sky, icon: CirclePlus },
	'AI Triage Completed': { tone: TONES.indigo, icon: Sparkles },
	'AI Triage Failed': { tone: TONES.orange, icon: BotOff },
	'Databricks Run Enriched': { tone: TONES.cyan, icon: Database },
	'Databricks Enrichment Failed': { tone: TONES.orange, icon: DatabaseZap },
	Acknowledged: { tone: TONES.amber, icon: UserCheck },
	'SLA Breached': { tone: TONES.red, icon: AlarmClockOff },
	'Priority Changed': { tone: TONES.violet, icon: ArrowUpDown },
	Resolved: { tone: TONES.emerald, icon: CircleCheck },
	'Alert Resolved at Source': { tone: TONES.teal, icon: BellOff },
	'Recovered at Source': { tone: TONES.emerald, icon: BellOff },
	'Attempt Failed': { tone: TONES.amber, icon: RotateCw },
	Reopened: { tone: TONES.violet, icon: RotateCcw },
	'Incident Opened': { tone: TONES.indigo, icon: Layers },
	'Split from Incident': { tone: TONES.slate, icon: Split },
	'Jira Issue Created': { tone: TONES.sky, icon: TicketPlus },
	'Jira Comment': { tone: TONES.slate, icon: MessageSquareText },
	'Jira Comment Edited': { tone: TONES.slate, icon: MessageSquareDiff },
	'Jira Transition Missing': { tone: TONES.amber, icon: TicketSlash },
	'Jira Sync Failed': { tone: TONES.orange, icon: TicketX },
	'Jira Issue Deleted': { tone: TONES.red, icon: TicketMinus },
	'Jira Event Retried': { tone: TONES.cyan, icon: RotateCw },
	'Jira Event Replayed': { tone: TONES.cyan, icon: Repeat2 },
	'Jira Drift Repaired': { tone: TONES.teal, icon: RefreshCcwDot },
	'Jira Conflict': { tone: TONES.amber, icon: GitCompareArrows }
};

export const UNKNOWN_ACTION: ActionStyle = { tone: TONES.slate, icon: CircleDot };

export const actionStyle = (action: string): ActionStyle =>
	Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action]! : UNKNOWN_ACTION;
