import type { ChartConfiguration, ChartOptions } from 'chart.js';
import type { AnalyticsDto, Percentiles, TeamCount } from '#lib/contracts/analytics.ts';
import type { ChartTheme } from '#lib/components/chart-theme.ts';
import { PRIORITIES } from '#lib/contracts/words.ts';
import { formatDuration } from '#lib/format/time.ts';

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** Bucket labels in UTC, like the buckets themselves: “Jun 15” or “14:00”. */
export function bucketLabel(iso: string, unit: AnalyticsDto['unit']): string {
	const d = new Date(iso);
	return unit === 'hour'
		? `${String(d.getUTCHours()).padStart(2, '0')}:00`
		: `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

export const teamName = (t: TeamCount) => t.team ?? 'Unassigned';

function base(theme: ChartTheme, legend = true): ChartOptions {
	return {
		responsive: true,
		maintainAspectRatio: false,
		interaction: { mode: 'index', intersect: false },
		color: theme.text,
		plugins: {
			legend: {
				display: legend,
				position: 'bottom',
				labels: { color: theme.text, boxWidth: 12, boxHeight: 12, padding: 14 }
			},
			tooltip: {
				backgroundColor: theme.dark ? '#1e293b' : '#0f172a',
				titleColor: '#f8fafc',
				bodyColor: '#e2e8f0',
				padding: 10,
				boxPadding: 4
			}
		}
	};
}

const axis = (theme: ChartTheme, extra: Record<string, unknown> = {}) => ({
	ticks: { color: theme.muted, maxRotation: 0, autoSkipPadding: 12 },
	grid: { color: theme.grid },
	border: { display: false },
	...extra
});

export function incidentsChart(a: AnalyticsDto) {
	return (theme: ChartTheme): ChartConfiguration<'bar'> => ({
		type: 'bar',
		data: {
			labels: a.buckets.map((b) => bucketLabel(b.start, a.unit)),
			datasets: PRIORITIES.map((p) => ({
				label: p,
				data: a.buckets.map((b) => b.by_priority[p]),
				backgroundColor: theme.priority[p],
				borderRadius: 2,
				maxBarThickness: 28
			}))
		},
		options: {
			...base(theme),
			scales: {
				x: axis(theme, { stacked: true, grid: { display: false } }),
				y: axis(theme, {
					stacked: true,
					beginAtZero: true,
					ticks: { color: theme.muted, precision: 0 }
				})
			}
		} as ChartOptions<'bar'>
	});
}

/** Minutes or hours, whichever keeps the axis numbers small; tooltips keep exact durations. */
function durationScale(series: Percentiles[]) {
	const max = Math.max(0, ...series.map((p) => p.p90 ?? p.p50 ?? 0));
	return max >= 3 * 3600 ? { div: 3600, unit: 'hours' } : { div: 60, unit: 'minutes' };
}

export function responseChart(a: AnalyticsDto, which: 'mtta' | 'mttr') {
	return (theme: ChartTheme): ChartConfiguration<'line'> => {
		const series = a.buckets.map((b) => b[which]);
		const { div, unit } = durationScale(series);
		const line = (label: string, key: 'p50' | 'p90', color: string, dashed: boolean) => ({
			label,
			data: series.map((p) => (p[key] === null ? null : p[key]! / div)),
			borderColor: color,
			backgroundColor: color,
			borderDash: dashed ? [6, 4] : [],
			borderWidth: 2,
			pointRadius: a.buckets.length > 31 ? 2 : 3,
			pointHoverRadius: 5,
			// A bucket with nothing acknowledged has no time: leave a gap rather than draw one.
			spanGaps: false,
			// Monotone curves never overshoot: a p90 must not dip below its median on screen.
			cubicInterpolationMode: 'monotone' as const
		});
		const [main, soft] =
			which === 'mtta' ? [theme.accent, theme.accentSoft] : [theme.second, theme.secondSoft];
		return {
			type: 'line',
			data: {
				labels: a.buckets.map((b) => bucketLabel(b.start, a.unit)),
				datasets: [line('Median', 'p50', main, false), line('p90', 'p90', soft, true)]
			},
			options: {
				...base(theme),
				plugins: {
					...base(theme).plugins,
					tooltip: {
						...base(theme).plugins!.tooltip,
						callbacks: {
							label: (ctx) => {
								const p = series[ctx.dataIndex]!;
								const v = ctx.datasetIndex === 0 ? p.p50 : p.p90;
								return ` ${ctx.dataset.label}: ${formatDuration(v)}`;
							}
						}
					}
				},
				scales: {
					x: axis(theme, { grid: { display: false } }),
					y: axis(theme, {
						beginAtZero: true,
						title: { display: true, text: unit, color: theme.muted }
					})
				}
			} as ChartOptions<'line'>
		};
	};
}

/** Bars, not a line: a day without an SLA outcome has no value, and a line would invent one. */
export function complianceChart(a: AnalyticsDto) {
	return (theme: ChartTheme): ChartConfiguration<'bar'> => ({
		type: 'bar',
		data: {
			labels: a.buckets.map((b) => bucketLabel(b.start, a.unit)),
			datasets: [
				{
					label: 'SLA met',
					data: a.buckets.map((b) =>
						b.compliance === null ? null : Math.round(b.compliance * 1000) / 10
					),
					backgroundColor: theme.met,
					borderRadius: 2,
					maxBarThickness: 28
				}
			]
		},
		options: {
			...base(theme, false),
			plugins: {
				...base(theme, false).plugins,
				tooltip: {
					...base(theme).plugins!.tooltip,
					callbacks: {
						label: (ctx) => {
							const b = a.buckets[ctx.dataIndex]!;
							return ` ${ctx.parsed.y} % met (${b.met} met, ${b.breached} breached, ${b.pending} pending)`;
						}
					}
				}
			},
			scales: {
				x: axis(theme, { grid: { display: false } }),
				y: axis(theme, {
					min: 0,
					max: 100,
					ticks: { color: theme.muted, stepSize: 25, callback: (v: number | string) => `${v} %` }
				})
			}
		} as ChartOptions<'bar'>
	});
}

const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function pipelinesChart(a: AnalyticsDto, labelChars: number) {
	return (theme: ChartTheme): ChartConfiguration<'bar'> => ({
		type: 'bar',
		data: {
			labels: a.pipelines.map((p) => short(p.pipeline, labelChars)),
			datasets: [
				{
					label: 'Incidents',
					data: a.pipelines.map((p) => p.incidents),
					backgroundColor: theme.accent,
					borderRadius: 3,
					maxBarThickness: 22
				}
			]
		},
		options: {
			...base(theme, false),
			indexAxis: 'y',
			interaction: { mode: 'nearest', axis: 'y', intersect: false },
			plugins: {
				...base(theme, false).plugins,
				tooltip: {
					...base(theme).plugins!.tooltip,
					callbacks: {
						title: (items) => a.pipelines[items[0]!.dataIndex]!.pipeline,
						label: (ctx) => {
							const p = a.pipelines[ctx.dataIndex]!;
							return ` ${p.incidents} incidents · ${p.failures} failures · ${p.breached} breached`;
						}
					}
				}
			},
			scales: {
				x: axis(theme, { beginAtZero: true, ticks: { color: theme.muted, precision: 0 } }),
				y: axis(theme, { grid: { display: false }, ticks: { color: theme.text, autoSkip: false } })
			}
		} as ChartOptions<'bar'>
	});
}

export function teamsChart(a: AnalyticsDto, labelChars: number) {
	return (theme: ChartTheme): ChartConfiguration<'bar'> => {
		const set = (label: string, key: 'met' | 'breached' | 'pending', color: string) => ({
			label,
			data: a.teams.map((t) => t[key]),
			backgroundColor: color,
			borderRadius: 2,
			maxBarThickness: 22
		});
		return {
			type: 'bar',
			data: {
				labels: a.teams.map((t) => short(teamName(t), labelChars)),
				datasets: [
					set('Met', 'met', theme.met),
					set('Breached', 'breached', theme.breached),
					set('Pending', 'pending', theme.pending)
				]
			},
			options: {
				...base(theme),
				indexAxis: 'y',
				interaction: { mode: 'index', axis: 'y', intersect: false },
				scales: {
					x: axis(theme, {
						stacked: true,
						beginAtZero: true,
						ticks: { color: theme.muted, precision: 0 }
					}),
					y: axis(theme, {
						stacked: true,
						grid: { display: false },
						ticks: { color: theme.text, autoSkip: false }
					})
				}
			} as ChartOptions<'bar'>
		};
	};
}
