import type { EventMessage } from "./events/envelope";

export type { EventMessage } from "./events/envelope";
export { IdempotencyShard } from "./idempotency/durable-object";
export { IngestMetrics } from "./metrics/ingest-metrics";

// Startup does no work: the HTTP app, the queue consumers and the cron job
// are loaded (imported and built) on the first event that needs each, and
// kept for the isolate's life. Module top level is what a cold start pays
// for before anything runs (docs/development.md, "Bundle and startup"); an
// isolate that only consumes queues never builds the routes, and one that
// only serves requests never loads the consumers.
let app: ReturnType<typeof loadApp> | undefined;
const loadApp = () => import("./app").then(({ createApp }) => createApp());

// Every queue's batches (src/queue.ts picks the consumer).
const queue: ExportedHandlerQueueHandler<Env, EventMessage> = async (batch, env) =>
	(await import("./queue")).queue(batch as MessageBatch<unknown>, env);

export default {
	async fetch(request: Request, env: Env, ctx: ExecutionContext) {
		app ??= loadApp();
		return (await app).fetch(request, env, ctx);
	},
	queue,
	// The every-minute cron (src/scheduled.ts): alert rules, and the deliveries sweep.
	scheduled(controller, env, ctx) {
		ctx.waitUntil(import("./scheduled").then(({ everyMinute }) => everyMinute(env, controller.scheduledTime)));
	},
} satisfies ExportedHandler<Env, EventMessage>;
