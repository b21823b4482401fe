import type { TicketDto } from '#lib/contracts/tickets.ts';
import { burstMessage, type BurstTicket } from './burst.ts';

const STORAGE_KEY = 'vigil_alerts';
const URGENT = new Set<TicketDto['priority']>(['P1', 'P2']);
/** A burst ends after this long without a new urgent ticket… */
export const BURST_QUIET_MS = 1000;
/** …or this long after it began, so a storm that never pauses is still announced promptly. */
export const BURST_MAX_MS = 4000;

/** on / off once the person chose; null until then, which is when the banner offers alerts. */
export type AlertChoice = 'on' | 'off' | null;

/**
 * Opt-in alarm for new P1 / P2 tickets: a browser notification and a sound made
 * with WebAudio (no audio file to load), a P1 sound distinct from the P2 one.
 * Tickets arriving close together (a storm, or the ones found after a
 * reconnect) are announced once per burst: one notification, one sound.
 */
class Alerts {
	choice = $state<AlertChoice>(null);
	enabled = $derived(this.choice === 'on');
	permission = $state<NotificationPermission | 'unsupported'>('default');
	/** Notifications and sounds announced so far on this page (tests and the banner read it). */
	announced = $state(0);
	#audio: AudioContext | null = null;
	#alerted = new Set<string>();
	#pending: BurstTicket[] = [];
	#quietTimer: ReturnType<typeof setTimeout> | null = null;
	#maxTimer: ReturnType<typeof setTimeout> | null = null;
	#open: (id: string | null) => void = () => undefined;

	/** Reads the saved choice (browser only). `open` shows a ticket, or the board for a burst. */
	init(open: (id: string | null) => void): void {
		this.#open = open;
		this.permission = 'Notification' in window ? Notification.permission : 'unsupported';
		let saved: string | null = null;
		try {
			saved = localStorage.getItem(STORAGE_KEY);
		} catch {
			// No storage: ask again next visit.
		}
		this.choice = saved === 'on' || saved === 'off' ? saved : null;
		// A page opened with alerts already on may only play sound after a gesture: the first
		// click or key on the page unlocks it, so the first storm is not silent.
		const unlock = () => {
			if (!this.enabled) return;
			try {
				this.#audio ??= new AudioContext();
				void this.#audio.resume();
			} catch {
				// No audio: notifications still work.
			}
		};
		window.addEventListener('pointerdown', unlock, { once: true, capture: true });
		window.addEventListener('keydown', unlock, { once: true, capture: true });
	}

	#remember(choice: 'on' | 'off'): void {
		this.choice = choice;
		try {
			localStorage.setItem(STORAGE_KEY, choice);
		} catch {
			// Private mode: the choice lasts for this page.
		}
	}

	/** Called from a click: browsers only allow sound and permission prompts after a gesture. */
	async enable(): Promise<void> {
		this.#remember('on');
		try {
			this.#audio ??= new AudioContext();
			await this.#audio.resume();
		} catch {
			// No audio device: notifications still work.
		}
		if (this.permission === 'default' && 'Notification' in window)
			this.permission = await Notification.requestPermission();
		this.chime('P2');
	}

	disable(): void {
		this.#remember('off');
		this.#pending = [];
		this.#clearTimers();
	}

	toggle(): Promise<void> {
		if (this.enabled) {
			this.disable();
			return Promise.resolve();
		}
		return this.enable();
	}

	/**
	 * Queues an alert for a ticket that arrived urgent or was raised to P1 / P2
	 * while still open, once per ticket; `missed` when the re-sync after a
	 * disconnect found it.
	 */
	consider(t: TicketDto, missed = false): void {
		if (!this.enabled || t.status !== 'open' || !URGENT.has(t.priority)) return;
		// A storm is one alert: its incident was announced, the failures grouped under it are not.
		if (t.incident_id) return;
		if (this.#alerted.has(t.id)) return;
		this.#alerted.add(t.id);
		this.#pending.push({
			id: t.id,
			priority: t.priority,
			pipeline: t.pipeline,
			root_cause: t.root_cause,
			missed
		});
		if (this.#quietTimer) clearTimeout(this.#quietTimer);
		this.#quietTimer = setTimeout(() => this.#flush(), BURST_QUIET_MS);
		this.#maxTimer ??= setTimeout(() => this.#flush(), BURST_MAX_MS);
	}

	#clearTimers(): void {
		if (this.#quietTimer) clearTimeout(this.#quietTimer);
		if (this.#maxTimer) clearTimeout(this.#maxTimer);
		this.#quietTimer = this.#maxTimer = null;
	}

	#flush(): void {
		this.#clearTimers();
		const message = burstMessage(this.#pending);
		this.#pending = [];
		if (!message || !this.enabled) return;
		this.announced += 1;
		this.chime(message.p1 ? 'P1' : 'P2');
		if (this.permission !== 'granted') return;
		try {
			const n = new Notification(message.title, { body: message.body, tag: message.tag });
			n.onclick = () => {
				window.focus();
				this.#open(message.ticketId);
				n.close();
			};
		} catch {
			// Some mobile browsers only notify from a service worker: the sound still played.
		}
	}

	/** P1: three urgent high beeps; P2: the softer two-tone chime. */
	chime(kind: 'P1' | 'P2'): void {
		let ctx: AudioContext;
		try {
			ctx = this.#audio ??= new AudioContext();
		} catch {
			return;
		}
		const start = ctx.currentTime + 0.01;
		const notes =
			kind === 'P1'
				? [
						{ freq: 1175, at: 0, wave: 'square' as const, peak: 0.12 },
						{ freq: 1175, at: 0.16, wave: 'square' as const, peak: 0.12 },
						{ freq: 1568, at: 0.32, wave: 'square' as const, peak: 0.12 }
					]
				: [
						{ freq: 880, at: 0, wave: 'sine' as const, peak: 0.25 },
						{ freq: 660, at: 0.18, wave: 'sine' as const, peak: 0.25 }
					];
		for (const note of notes) {
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			const at = start + note.at;
			osc.type = note.wave;
			osc.frequency.value = note.freq;
			gain.gain.setValueAtTime(0.0001, at);
			gain.gain.exponentialRampToValueAtTime(note.peak, at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.13);
			osc.connect(gain).connect(ctx.destination);
			osc.start(at);
			osc.stop(at + 0.14);
		}
	}
}

export const alerts = new Alerts();
