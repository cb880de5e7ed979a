// Queues named "<name>-dlq" are dead-letter queues; everything else carries
// events. Pure, so the wrangler.toml contract check can use it from Node.
export function isDeadLetterQueue(queueName: string): boolean {
	return queueName.endsWith("-dlq");
}
