import type { TicketDto } from '#lib/contracts/tickets.ts';

const STORAGE_KEY = 'vigil_alerts';
const URGENT = new Set<TicketDto['priority']>(['P1', 'P2']);

/**
 * Opt-in alarm for new P1 / P2 tickets: a short two-tone chime made with
 * WebAudio (no audio file to load) and a browser notification.
 */
class Alerts {
	enabled = $state(false);
	permission = $state<NotificationPermission | 'unsupported'>('default');
	#audio: AudioContext | null = null;
	#alerted = new Set<string>();

	/** Reads the saved preference (browser only). */
	init(): void {
		this.permission = 'Notification' in window ? Notification.permission : 'unsupported';
		this.enabled = localStorage.getItem(STORAGE_KEY) === 'on';
	}

	/** Called from a click: browsers only allow sound and permission prompts after a gesture. */
	async toggle(): Promise<void> {
		this.enabled = !this.enabled;
		localStorage.setItem(STORAGE_KEY, this.enabled ? 'on' : 'off');
		if (!this.enabled) return;
		this.#audio ??= new AudioContext();
		await this.#audio.resume();
		if (this.permission === 'default') this.permission = await Notification.requestPermission();
		this.chime();
	}

	/** Alerts once per ticket, when it arrives urgent or is raised to P1 / P2 while still open. */
	consider(t: TicketDto, open: (id: string) => void): void {
		if (!this.enabled || t.status !== 'open' || !URGENT.has(t.priority)) return;
		if (this.#alerted.has(t.id)) return;
		this.#alerted.add(t.id);
		this.chime();
		if (this.permission !== 'granted') return;
		const n = new Notification(`${t.priority} · ${t.severity}: ${t.pipeline}`, {
			body: t.root_cause.slice(0, 180),
			tag: t.id
		});
		n.onclick = () => {
			window.focus();
			open(t.id);
			n.close();
		};
	}

	chime(): void {
		const ctx = (this.#audio ??= new AudioContext());
		const start = ctx.currentTime + 0.01;
		[880, 660].forEach((freq, i) => {
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			const at = start + i * 0.18;
			osc.type = 'sine';
			osc.frequency.value = freq;
			gain.gain.setValueAtTime(0.0001, at);
			gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
			osc.connect(gain).connect(ctx.destination);
			osc.start(at);
			osc.stop(at + 0.17);
		});
	}
}

export const alerts = new Alerts();
