// One archived event: a line of an NDJSON archive object. The payload is the
// body exactly as received, as a JSON string (provider deliveries byte for
// byte; direct events as their envelope); an event too large for a queue
// message was already claim-checked to R2 and is referenced by `ref` (the
// claim-check object holding its queue message), not copied.
export interface ArchiveLine {
	id: string;
	source: string;
	type: string;
	received_at: number;
	occurred_at: number;
	provider_event_id: string | null;
	provider_type: string | null;
	// Delivery headers worth keeping (never signatures); null for direct events.
	headers: Record<string, string> | null;
	payload?: string;
	ref?: string;
}

// An archive line with its payload resolved: what every reader gets.
export type ArchivedEvent = Omit<ArchiveLine, "ref" | "payload"> & { payload: string };

export function encodeLines(lines: readonly ArchiveLine[]): string {
	return `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
}

// Lines of an archive object, by line number (0-based). Each line is JSON we
// wrote; a line that is not is skipped (null), never thrown on.
export function decodeLines(text: string): (ArchiveLine | null)[] {
	const lines = text.split("\n");
	if (lines.at(-1) === "") lines.pop();
	return lines.map((line) => {
		try {
			return JSON.parse(line) as ArchiveLine;
		} catch {
			return null;
		}
	});
}

// The body a claim-checked queue message carried, as the consumer would have
// archived it: a provider delivery's body as received, or a direct event's
// envelope. Plain property access: the message was validated when consumed.
export function payloadOfMessage(message: unknown): string | null {
	const m = message as { kind?: unknown; delivery?: { body?: unknown }; event?: unknown } | null;
	if (m?.kind === "delivery") return typeof m.delivery?.body === "string" ? m.delivery.body : null;
	return m?.event === undefined ? null : JSON.stringify(m.event);
}
