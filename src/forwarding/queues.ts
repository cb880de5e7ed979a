// The deliveries queue and its dead-letter queue (webhook-deliveries-dlq);
// every other queue belongs to src/consumer. wrangler.toml names them. Pure,
// so the wrangler.toml contract check can use it from Node.
export const DELIVERIES_QUEUE = "webhook-deliveries";

export const isDeliveriesQueue = (queueName: string) => queueName === DELIVERIES_QUEUE || queueName === `${DELIVERIES_QUEUE}-dlq`;
