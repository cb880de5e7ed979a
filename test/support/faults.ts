import { env } from "cloudflare:workers";

// A real database failure for one row, not a fake: while `run` runs, a
// trigger aborts every insert of `eventId` into `table`.
export async function whileD1RefusesRow<T>(table: "events" | "dead_letters", eventId: string, run: () => Promise<T>): Promise<T> {
	const trigger = `refuse_${table}_${crypto.randomUUID().replace(/-/g, "")}`;
	await env.DB.exec(
		`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} WHEN NEW.event_id = '${eventId.replace(/'/g, "''")}' BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;`,
	);
	try {
		return await run();
	} finally {
		await env.DB.exec(`DROP TRIGGER ${trigger}`);
	}
}
