import { z } from "zod";
import { keyedByEventTable } from "../conflict";
import { defineEventType, parseEventData } from "../contract";

// A usage event that names no feature (no metadata, or metadata without
// `feature`) counts as one unit of this feature instead of being
// dead-lettered: usage is still usage, and senders do send it that way.
export const UNNAMED_FEATURE = "unnamed";

// usage_tracked: one usage record per event.
const usageSchema = z.object({
	user_id: z.string().optional(),
	metadata: z
		.object({
			feature: z.string().min(1).default(UNNAMED_FEATURE).describe(`default "${UNNAMED_FEATURE}"`),
			quantity: z.number().finite().nonnegative().default(1),
		})
		.prefault({}),
});

export interface UsageRow {
	event_id: string;
	user_id: string | null;
	feature: string;
	quantity: number;
	occurred_at: number;
}

const USAGE_COLUMNS = ["event_id", "user_id", "feature", "quantity", "occurred_at"] as const;

export const usageRecordsTable = keyedByEventTable<UsageRow>("usage_records", USAGE_COLUMNS);

export const usageTracked = defineEventType({
	type: "usage_tracked",
	schema: usageSchema,
	tables: { usage_records: usageRecordsTable },
	derive(event, occurredAt) {
		const { user_id, metadata } = parseEventData(usageSchema, event, "usage_tracked");
		return {
			usage_records: [
				{
					event_id: event.event_id,
					user_id: user_id ?? null,
					feature: metadata.feature,
					quantity: metadata.quantity,
					occurred_at: occurredAt,
				},
			],
		};
	},
});
