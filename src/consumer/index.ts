import { consumeDeadLetters, consumeEvents } from "./consume";

// Queues named "<name>-dlq" are dead-letter queues; everything else is events.
export function isDeadLetterQueue(queueName: string): boolean {
	return queueName.endsWith("-dlq");
}

export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	if (isDeadLetterQueue(batch.queue)) await consumeDeadLetters(batch, env);
	else await consumeEvents(batch, env);
}
