// What one ingest request contributes to the ingest counters. Pure, so the
// classification of every response shape is unit-tested.
export interface IngestSample {
	// Which source the request was for ("direct" for /webhook/events and
	// /webhook/batch), and when it arrived.
	source: string;
	at: number;
	minute: number;
	accepted: number;
	duplicates: number;
	// reason (the error code the sender saw) → events rejected for it.
	rejected: Record<string, number>;
	// Answers that carry no event (Slack's url_verification, GitHub's ping).
	control: number;
	ackMs: number;
}

interface BatchResultLike {
	status?: unknown;
	error?: unknown;
}

export const MINUTE_MS = 60_000;

const add = (counts: Record<string, number>, reason: string, by = 1) => {
	counts[reason] = (counts[reason] ?? 0) + by;
};

// Events a sample counts as received: everything but control answers.
export const receivedIn = (s: Pick<IngestSample, "accepted" | "duplicates" | "rejected">): number =>
	s.accepted + s.duplicates + Object.values(s.rejected).reduce((a, b) => a + b, 0);

// A batch body that lists per-event results is counted per event; any other
// answer (single event, or a batch refused as a whole before parsing, e.g.
// bad signature or too large) counts as one event.
export function ingestSample(status: number, body: unknown, ackMs: number, now: number, source = "direct"): IngestSample {
	const sample: IngestSample = {
		source,
		at: now,
		minute: Math.floor(now / MINUTE_MS) * MINUTE_MS,
		accepted: 0,
		duplicates: 0,
		rejected: {},
		control: 0,
		ackMs,
	};
	const results = (body as { results?: unknown } | null)?.results;
	if (Array.isArray(results)) {
		for (const r of results as BatchResultLike[]) {
			if (r?.status === "accepted") sample.accepted += 1;
			else if (r?.status === "duplicate") sample.duplicates += 1;
			else add(sample.rejected, typeof r?.error === "string" ? r.error : "unknown");
		}
		return sample;
	}
	const answer = (body as { status?: unknown } | null)?.status;
	if (status === 202) sample.accepted = 1;
	else if (status === 200 && answer === "duplicate") sample.duplicates = 1;
	else if (status < 300) sample.control = 1;
	else {
		const code = (body as { error?: unknown } | null)?.error;
		add(sample.rejected, typeof code === "string" ? code : `http_${status}`);
	}
	return sample;
}
