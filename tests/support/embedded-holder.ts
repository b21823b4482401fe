/**
 * A process that owns an embedded PostgreSQL, as Vigil does: starts it in argv[2], prints
 * one JSON line ({ pid, url, adminUrl }) and waits. Killed with SIGKILL it leaves the
 * postmaster orphaned, as a `kill -9` of Vigil does; SIGTERM stops it cleanly.
 */
import { startEmbeddedPostgres } from '../../src/lib/server/db/embedded.ts';

const db = await startEmbeddedPostgres(process.argv[2]!);
process.stdout.write(JSON.stringify({ pid: db.pid, url: db.url, adminUrl: db.adminUrl }) + '\n');
setInterval(() => {}, 60_000);
