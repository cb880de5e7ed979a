import type { BreakerStatus } from "./core/breaker";
import { type DisabledReason, type PausedReason, pausedReason } from "./store";

// What /metrics and the alert sampler read about destinations: which are
// paused and why, and the attempt counters (kept by a trigger in
// migrations/0006_outbound.sql), in two small reads.

export interface DestinationStatus {
	id: string;
	name: string;
	paused: PausedReason | null;
}

export interface DestinationReadings {
	destinations: DestinationStatus[];
	// destination id → outcome → attempts.
	deliveries: { destination: string; outcome: string; value: number }[];
}

export async function readDestinationStatus(db: D1Database): Promise<DestinationStatus[]> {
	const { results } = await db
		.prepare("SELECT id, name, enabled, disabled_reason, breaker_status FROM destinations ORDER BY id")
		.all<{ id: string; name: string; enabled: number; disabled_reason: DisabledReason | null; breaker_status: BreakerStatus }>();
	return results.map((r) => ({
		id: r.id,
		name: r.name,
		paused: pausedReason(r.enabled === 1, r.disabled_reason, r.breaker_status),
	}));
}

export async function readDestinationMetrics(db: D1Database): Promise<DestinationReadings> {
	const [destinations, counters] = await Promise.all([
		readDestinationStatus(db),
		db
			.prepare("SELECT destination_id AS destination, outcome, value FROM destination_counters ORDER BY destination_id, outcome")
			.all<{ destination: string; outcome: string; value: number }>(),
	]);
	return { destinations, deliveries: counters.results };
}
