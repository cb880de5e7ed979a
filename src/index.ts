import { createApp } from "./app";
import { queue } from "./consumer";
import type { EventMessage } from "./events/envelope";

export type { EventMessage } from "./events/envelope";
export { IdempotencyShard } from "./idempotency/durable-object";
export { IngestMetrics } from "./metrics/ingest-metrics";

const app = createApp();

export default {
	fetch: app.fetch,
	queue: queue as ExportedHandlerQueueHandler<Env, EventMessage>,
} satisfies ExportedHandler<Env, EventMessage>;
