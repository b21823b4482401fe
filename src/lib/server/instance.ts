import { hostname } from 'node:os';
import type { Config } from './config.ts';

/**
 * Names this instance among several on one database: VIGIL_INSTANCE_ID when set (a pod or
 * container name is a good choice), else host name and process id, which tell apart two
 * processes on one machine and change on every restart.
 */
export function instanceId(config: Pick<Config, 'VIGIL_INSTANCE_ID'>): string {
	return config.VIGIL_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
}
