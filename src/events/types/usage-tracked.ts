import * as z from "../../zod/mini";
import { keyedByEventTable } from "../conflict";
import { defineEventType, parseEventData } from "../contract";

// A usage event that names no feature (no metadata, or metadata without
// `feature`) counts as one unit of this feature instead of being
// dead-lettered: usage is still usage, and senders do send it that way.
export const UNNAMED_FEATURE = "unnamed";

// usage_tracked: one usage record per event.
const usageSchema = z.object({
	user_id: z.optional(z.string()),
	metadata: z.prefault(
		z.object({
			feature: z._default(z.string().check(z.minLength(1)), UNNAMED_FEATURE).check(z.describe(`default "${UNNAMED_FEATURE}"`)),
			quantity: z._default(z.number().check(z.nonnegative()), 1),
		}),
		{},
	),
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
