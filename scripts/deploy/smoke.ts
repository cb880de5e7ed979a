// The deployed Worker's smoke test: one signed event to /webhook/events must
// get 202, then (with the admin token) GET /api/health must report an empty
// backlog within the time bound. Retries while a fresh deployment propagates.
import { awaitEmptyBacklog } from "../events/drain";
import { postSigned, type Target } from "../events/http";

export interface SmokeOptions {
	url: string;
	webhookSecret: string;
	adminToken?: string;
	// How long the event may take to be accepted (a new Worker can answer 404
	// or fail to connect for a few seconds) and the backlog to drain.
	acceptTimeoutMs?: number;
	drainTimeoutMs?: number;
	pollMs?: number;
}

export interface SmokeResult {
	ok: boolean;
	lines: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function smokeTest(options: SmokeOptions): Promise<SmokeResult> {
	const target: Target = { url: options.url, secret: options.webhookSecret, source: "setup", timeoutMs: 10_000 };
	const event = {
		event_id: `setup-smoke-${Date.now()}-${crypto.randomUUID().slice(0, 8)}`,
		event_type: "setup.smoke_test",
		timestamp: new Date().toISOString(),
		metadata: { sent_by: "npm run setup" },
	};
	const started = performance.now();
	const lines: string[] = [];
	let status = 0;
	let detail = "";
	for (;;) {
		const result = await postSigned(target, "/webhook/events", event);
		status = result.status;
		detail = result.error ?? JSON.stringify(result.body);
		// 2xx, or a 4xx that a retry cannot fix: stop. 0 (no answer), 404 (not
		// routed yet) and 5xx: a fresh deployment may still be propagating.
		const retryable = status === 0 || status === 404 || status >= 500;
		if (!retryable || performance.now() - started > (options.acceptTimeoutMs ?? 60_000)) break;
		await sleep(options.pollMs ?? 1_000);
	}
	if (status !== 202) {
		lines.push(`✗ POST ${options.url}/webhook/events answered ${status || "nothing"} (expected 202): ${detail.slice(0, 300)}`);
		return { ok: false, lines };
	}
	lines.push(`✓ a signed event (${event.event_id}) was accepted: 202`);
	if (!options.adminToken) {
		lines.push("- backlog not checked: ADMIN_TOKEN was set before this run (export ADMIN_TOKEN=… to check it)");
		return { ok: true, lines };
	}
	const drain = await awaitEmptyBacklog(options.url, options.adminToken, {
		timeoutMs: options.drainTimeoutMs ?? 120_000,
		pollMs: options.pollMs ?? 1_000,
	});
	if (!drain.drained) {
		lines.push(
			`✗ the backlog did not drain within ${Math.round((options.drainTimeoutMs ?? 120_000) / 1000)} s (backlog ${drain.backlog ?? "unreadable"})`,
		);
		return { ok: false, lines };
	}
	lines.push(`✓ the backlog drained (${drain.ms} ms)`);
	return { ok: true, lines };
}
