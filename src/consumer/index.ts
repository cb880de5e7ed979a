import { consumeEvents } from "./consume";
import { consumeDeadLetters } from "./dead-letter-consumer";
import { isDeadLetterQueue } from "./queues";

export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	if (isDeadLetterQueue(batch.queue)) await consumeDeadLetters(batch, env);
	else await consumeEvents(batch, env);
}
