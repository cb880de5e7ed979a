import { SECRET_PREFIX } from "../shared/standard-webhooks";
import * as z from "../zod/mini";
import { payloadFormatSchema } from "./core/schema";
import { type Destination, pausedReason } from "./store";

// What the API shows of a destination. Credentials never leave in full: the
// signing secret only in the answers that create or rotate it, tokens never.

const breakerSchema = z.object({
	status: z.enum(["closed", "open", "half_open", "paused"]),
	consecutive_failures: z.int(),
	opened_at: z.nullable(z.int()),
	next_probe_at: z.nullable(z.int()).check(z.describe("open: when the next probe may go")),
	failed_probes: z.int(),
});

export const destinationStatsSchema = z.object({
	window_ms: z.int(),
	succeeded: z.int(),
	failed: z.int(),
	pending: z.int().check(z.describe("queued, retrying or being delivered")),
	held: z.int().check(z.describe("parked while paused")),
	success_rate: z.nullable(z.number()).check(z.describe("succeeded / (succeeded + failed) in the window; null when none settled")),
	last_success_at: z.nullable(z.int()),
	last_error: z
		.nullable(z.object({ at: z.int(), http_status: z.nullable(z.int()), error: z.nullable(z.string()) }))
		.check(z.describe("The latest failed attempt")),
});
export type DestinationStats = z.infer<typeof destinationStatsSchema>;

export const destinationViewSchema = z.object({
	id: z.string(),
	name: z.string(),
	url: z.string(),
	event_types: z.array(z.string()),
	sources: z.array(z.string()),
	auth: z
		.union([
			z.object({ type: z.literal("none") }),
			z.object({ type: z.literal("bearer"), token: z.string().check(z.describe("masked")) }),
			z.object({ type: z.literal("header"), name: z.string(), value: z.string().check(z.describe("masked")) }),
		])
		.check(z.describe("Outbound auth, with the credential masked")),
	format: payloadFormatSchema,
	enabled: z.boolean(),
	disabled_reason: z.nullable(z.enum(["operator", "gone"])),
	max_attempts: z.int(),
	secrets: z
		.array(z.object({ hint: z.string(), created_at: z.int(), expires_at: z.nullable(z.int()) }))
		.check(z.describe("Signing secrets, masked")),
	breaker: breakerSchema,
	paused: z.nullable(z.enum(["operator", "breaker", "gone"])).check(z.describe("Why it is not delivering; null while it delivers")),
	created_at: z.int(),
	updated_at: z.int(),
	stats: z.optional(destinationStatsSchema),
});
export type DestinationView = z.infer<typeof destinationViewSchema>;

export const withSecretSchema = z.extend(destinationViewSchema, {
	secret: z.string().check(z.describe("The new signing secret (whsec_…): shown only in this answer")),
});

// Enough to tell two credentials apart, never enough to use one.
export const maskCredential = (value: string) => (value.length >= 16 ? `…${value.slice(-4)}` : "…");
export const secretHint = (secret: string) => `${SECRET_PREFIX}${secret.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + 4)}…`;

export function destinationView(d: Destination, stats?: DestinationStats): DestinationView {
	const auth: DestinationView["auth"] =
		d.auth.type === "bearer"
			? { type: "bearer", token: maskCredential(d.auth.token) }
			: d.auth.type === "header"
				? { type: "header", name: d.auth.name, value: maskCredential(d.auth.value) }
				: { type: "none" };
	return {
		id: d.id,
		name: d.name,
		url: d.url,
		event_types: d.event_types,
		sources: d.sources,
		auth,
		format: d.format,
		enabled: d.enabled,
		disabled_reason: d.disabled_reason,
		max_attempts: d.max_attempts,
		secrets: d.secrets.map((s) => ({ hint: secretHint(s.secret), created_at: s.created_at, expires_at: s.expires_at })),
		breaker: d.breaker,
		paused: pausedReason(d.enabled, d.disabled_reason, d.breaker.status),
		created_at: d.created_at,
		updated_at: d.updated_at,
		...(stats ? { stats } : {}),
	};
}

export const STATS_WINDOW_MS = 24 * 60 * 60_000;

// Delivery counts over the last 24 h and the latest success and failure, for
// every destination (or one), in three grouped reads.
export async function destinationStats(db: D1Database, now: number, id?: string): Promise<Map<string, DestinationStats>> {
	const only = id === undefined ? "" : "AND destination_id = ?";
	const bind = (s: D1PreparedStatement, ...values: unknown[]) => s.bind(...values, ...(id === undefined ? [] : [id]));
	const [counts, lastError, lastSuccess] = await db.batch([
		bind(
			db.prepare(
				`SELECT destination_id, status, count(*) AS n FROM deliveries WHERE updated_at >= ? ${only} GROUP BY destination_id, status`,
			),
			now - STATS_WINDOW_MS,
		),
		bind(
			db.prepare(
				`SELECT destination_id, attempted_at AS at, http_status, error FROM delivery_attempts
				 WHERE id IN (SELECT max(id) FROM delivery_attempts WHERE outcome <> 'success' ${only} GROUP BY destination_id)`,
			),
		),
		bind(
			db.prepare(
				`SELECT destination_id, max(attempted_at) AS at FROM delivery_attempts WHERE outcome = 'success' ${only} GROUP BY destination_id`,
			),
		),
	]);
	const stats = new Map<string, DestinationStats>();
	const of = (destination: string) => {
		let s = stats.get(destination);
		if (!s) {
			s = emptyStats();
			stats.set(destination, s);
		}
		return s;
	};
	for (const r of (counts?.results ?? []) as { destination_id: string; status: string; n: number }[]) {
		const s = of(r.destination_id);
		if (r.status === "succeeded" || r.status === "failed" || r.status === "held") s[r.status] += r.n;
		else s.pending += r.n;
	}
	for (const r of (lastError?.results ?? []) as {
		destination_id: string;
		at: number;
		http_status: number | null;
		error: string | null;
	}[]) {
		of(r.destination_id).last_error = { at: r.at, http_status: r.http_status, error: r.error };
	}
	for (const r of (lastSuccess?.results ?? []) as { destination_id: string; at: number }[]) of(r.destination_id).last_success_at = r.at;
	for (const s of stats.values()) s.success_rate = s.succeeded + s.failed > 0 ? s.succeeded / (s.succeeded + s.failed) : null;
	return stats;
}

export const emptyStats = (): DestinationStats => ({
	window_ms: STATS_WINDOW_MS,
	succeeded: 0,
	failed: 0,
	pending: 0,
	held: 0,
	success_rate: null,
	last_success_at: null,
	last_error: null,
});
