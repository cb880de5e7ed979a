import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EVENTS_QUEUE, withoutConsumer } from "./ack-path";

const TOML = `name = "w"

[[queues.producers]]
binding = "EVENTS_QUEUE"
queue = "webhook-events"

# Every value is explicit.
[[queues.consumers]]
queue = "webhook-events"
max_batch_size = 10
dead_letter_queue = "webhook-events-dlq"

[[queues.consumers]]
queue = "webhook-events-dlq"
max_batch_size = 10

# the bucket
[[r2_buckets]]
binding = "PAYLOADS"
`;

describe("ack-path config", () => {
	it("removes exactly the consumer table of the queue, keeping its producer, the DLQ consumer and comments", () => {
		expect(withoutConsumer(TOML, "webhook-events")).toBe(`name = "w"

[[queues.producers]]
binding = "EVENTS_QUEUE"
queue = "webhook-events"

# Every value is explicit.

[[queues.consumers]]
queue = "webhook-events-dlq"
max_batch_size = 10

# the bucket
[[r2_buckets]]
binding = "PAYLOADS"
`);
	});

	it("refuses when the consumer is not there, so a renamed queue cannot slip through", () => {
		expect(() => withoutConsumer(TOML, "webhook-evnts")).toThrow(/found 0/);
	});

	it("applies to the repository's wrangler.toml", () => {
		const toml = readFileSync(path.resolve(import.meta.dirname, "../../wrangler.toml"), "utf8");
		const ackPath = withoutConsumer(toml, EVENTS_QUEUE);
		const consumers = (text: string) => [...text.matchAll(/\[\[queues\.consumers\]\]\nqueue = "([^"]+)"/g)].map((m) => m[1]);
		expect(consumers(toml)).toContain(EVENTS_QUEUE);
		expect(consumers(ackPath)).toEqual(consumers(toml).filter((q) => q !== EVENTS_QUEUE));
		expect(ackPath).toContain('queue = "webhook-events"\n\n# The main consumer');
	});
});
