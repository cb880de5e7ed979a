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

// One idempotency shard's accept call fails: before it reaches the shard
// ("unreachable"), or after the shard enqueued and committed, with its answer
// lost on the way back ("lost"). Every other shard is the real one.
export function flakyShard(shardName: string, when: "unreachable" | "lost"): Env["IDEMPOTENCY"] {
	const namespace = env.IDEMPOTENCY;
	const bad = namespace.idFromName(shardName);
	return {
		idFromName: (name: string) => namespace.idFromName(name),
		get: (id: DurableObjectId) => {
			const stub = namespace.get(id);
			if (!id.equals(bad)) return stub;
			const accept = async (...args: Parameters<typeof stub.accept>) => {
				if (when === "lost") await stub.accept(...args);
				throw new Error(`injected fault: shard ${when}`);
			};
			return new Proxy(stub, { get: (target, prop) => (prop === "accept" ? accept : Reflect.get(target, prop)) });
		},
	} as unknown as Env["IDEMPOTENCY"];
}
