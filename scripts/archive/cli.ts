// `npm run archive -- query "<SQL>" [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--source s]
//                                   [--url http://127.0.0.1:8787 | --bucket webhook-payloads]`
// DuckDB over a day range of the raw-event archive, as a view `events`
// (id, source, type, received_at, occurred_at, provider_event_id,
// provider_type, headers, payload), printed as a table.
// - From a running stack (default --url http://127.0.0.1:8787): each day is
//   read through GET /api/archive/<day> with ADMIN_TOKEN (each event once).
// - From the bucket (--bucket): straight from R2's S3 API with DuckDB's
//   httpfs, using R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY. A
//   redelivered batch's copy the sweep has not deleted yet is read too:
//   deduplicate on id (docs/operations.md).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { dayRange, formatTable, queryArchive } from "./duck";

const DEV_TOKEN = "dev-admin-token-do-not-use-in-production";
const today = new Date().toISOString().slice(0, 10);

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		from: { type: "string", default: today },
		to: { type: "string" },
		source: { type: "string" },
		url: { type: "string", default: "http://127.0.0.1:8787" },
		bucket: { type: "string" },
	},
});
const [command, sql] = positionals;
if (command !== "query" || !sql) {
	console.error('usage: npm run archive -- query "<SQL over the view events>" [--from D] [--to D] [--source s] [--url U | --bucket B]');
	process.exit(2);
}
const days = dayRange(values.from, values.to ?? values.from);

async function fromStack(): Promise<string[]> {
	const dir = mkdtempSync(path.join(tmpdir(), "archive-"));
	process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
	const token = process.env.ADMIN_TOKEN ?? DEV_TOKEN;
	const files: string[] = [];
	for (const day of days) {
		const query = values.source ? `?source=${encodeURIComponent(values.source)}` : "";
		const res = await fetch(`${values.url}/api/archive/${day}${query}`, { headers: { authorization: `Bearer ${token}` } });
		if (!res.ok) throw new Error(`GET /api/archive/${day}: ${res.status} ${await res.text()}`);
		const file = path.join(dir, `${day}.ndjson`);
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		files.push(file);
	}
	return files;
}

function fromBucket(bucket: string): { paths: string[]; setup: string[] } {
	const { R2_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY } = process.env;
	if (!R2_ACCOUNT_ID || !R2_ACCESS_KEY_ID || !R2_SECRET_ACCESS_KEY)
		throw new Error("--bucket needs R2_ACCOUNT_ID, R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY");
	const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
	return {
		setup: [
			"INSTALL httpfs",
			"LOAD httpfs",
			`CREATE SECRET r2 (TYPE r2, KEY_ID ${q(R2_ACCESS_KEY_ID)}, SECRET ${q(R2_SECRET_ACCESS_KEY)}, ACCOUNT_ID ${q(R2_ACCOUNT_ID)})`,
		],
		paths: days.map((day) => `r2://${bucket}/archive/${day}/${values.source ?? "*"}/*.ndjson`),
	};
}

const source = values.bucket ? fromBucket(values.bucket) : { paths: await fromStack(), setup: [] };
console.log(formatTable(await queryArchive(source.paths, sql, source.setup)));
