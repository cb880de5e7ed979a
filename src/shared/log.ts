// Structured JSON logs, one line per request or batch, so `wrangler tail`
// output can be filtered with jq. Fields named like secrets are redacted.
type Level = "info" | "warn" | "error";

const SECRET_FIELD = /secret|token|signature|authorization|password/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(fields)) {
		out[key] = SECRET_FIELD.test(key) ? "[redacted]" : value;
	}
	return out;
}

export function logLine(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
	const line = JSON.stringify({ level, msg, ts: new Date().toISOString(), ...redact(fields) });
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}

// An error as one line for logs and stored reasons: its name and message
// ("TypeError: …", "Error: D1_ERROR: …"), or the thrown value as text.
export const describeError = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
