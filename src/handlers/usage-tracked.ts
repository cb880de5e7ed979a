import { z } from "zod";
import { type EventHandler, parseEventData } from "./types";

const usageSchema = z.object({
	user_id: z.string().optional(),
	metadata: z.object({
		feature: z.string().min(1),
		quantity: z.number().finite().nonnegative().default(1),
	}),
});

export const usageTracked: EventHandler = {
	type: "usage_tracked",
	derive(event, occurredAt) {
		const { user_id, metadata } = parseEventData(usageSchema, event, "usage_tracked");
		return {
			usage_records: [
				{ event_id: event.event_id, user_id: user_id ?? null, feature: metadata.feature, quantity: metadata.quantity, occurred_at: occurredAt },
			],
		};
	},
};
