import { describe, expect, it } from "vitest";
import { countOutcomes, outcomeRecords, parseOutcomes, parseWrkOutput, parseWrkTime, poolLine, replayed, wrkArgs } from "./wrk";

// Verbatim wrk 4.1.0 output (debian), plus the error lines wrk adds when it has them.
const OUTPUT = `Running 3s test @ http://127.0.0.1:45727
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   134.84ms   37.62ms 236.61ms   80.75%
    Req/Sec   239.36    102.07   470.00     78.57%
  Latency Distribution
     50%  121.61ms
     75%  138.82ms
     90%    1.07s
     99%  850.00us
  696 requests in 3.01s, 166.52KB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 7
Requests/sec:    231.59
Transfer/sec:     55.41KB
`;

describe("wrk output", () => {
	it("parses wrk's time units to ms", () => {
		expect(parseWrkTime("456.00us")).toBe(0.456);
		expect(parseWrkTime("12.34ms")).toBe(12.34);
		expect(parseWrkTime("1.02s")).toBe(1020);
		expect(parseWrkTime("2.00m")).toBe(120_000);
		expect(() => parseWrkTime("12 parsecs")).toThrow(/not a wrk time/);
	});

	it("reads requests, rate, the latency distribution and errors from a --latency report", () => {
		expect(parseWrkOutput(OUTPUT)).toEqual({
			requests: 696,
			seconds: 3.01,
			requestsPerSecond: 231.59,
			latencyMs: { p50: 121.61, p75: 138.82, p90: 1070, p99: 0.85 },
			non2xx: 7,
			socketErrors: { connect: 0, read: 2, write: 0, timeout: 5 },
		});
	});

	it("reports no errors when wrk prints none, and null percentiles without --latency", () => {
		const clean = OUTPUT.replace(/ {2}Socket errors.*\n/, "")
			.replace(/ {2}Non-2xx.*\n/, "")
			.replace(/ {2}Latency Distribution\n( {5}\d+%.*\n)+/, "");
		const parsed = parseWrkOutput(clean);
		expect(parsed.non2xx).toBe(0);
		expect(parsed.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
		expect(parsed.latencyMs).toEqual({ p50: null, p75: null, p90: null, p99: null });
	});

	it("fails loudly when wrk printed no summary", () => {
		expect(() => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n")).toThrow(/no summary/);
	});
});

describe("request pool and outcomes", () => {
	it("writes one tab-separated line per request, body last", () => {
		expect(poolLine({ method: "GET", path: "/health/live" })).toBe("GET\t/health/live\t");
		expect(poolLine({ method: "POST", path: "/webhook/events", headers: { "x-webhook-signature": "sha256=ab" }, body: '{"a":1}' })).toBe(
			'POST\t/webhook/events\tx-webhook-signature: sha256=ab\t{"a":1}',
		);
		expect(() => poolLine({ method: "POST", path: "/", body: "a\tb" })).toThrow(/tab or newline/);
	});

	it("reads replay.lua's lines: per-thread totals, then status and event id per response", () => {
		const o = parseOutcomes("# issued 60 pool 50\n202 ev-1\n200 ev-1\n503 -\n# issued 40 pool 50\n202 ev-2\n\n");
		expect(o.issued).toBe(100);
		expect(o.pool).toBe(100);
		expect(o.responses).toEqual([
			{ status: 202, eventId: "ev-1" },
			{ status: 200, eventId: "ev-1" },
			{ status: 503, eventId: null },
			{ status: 202, eventId: "ev-2" },
		]);
		expect(replayed(o)).toBe(0);
		expect(replayed({ issued: 120, pool: 100 })).toBe(20);
		expect(countOutcomes(o)).toMatchObject({ accepted: 2, duplicate: 1, unavailable: 1 });
		expect(outcomeRecords(o)).toEqual([
			{ eventId: "ev-1", intent: "valid", outcome: "accepted", ackMs: 0 },
			{ eventId: "ev-1", intent: "valid", outcome: "duplicate", ackMs: 0 },
			{ eventId: "ev-2", intent: "valid", outcome: "accepted", ackMs: 0 },
		]);
	});

	it("builds the command line: whole seconds, a long timeout, the latency report and the script", () => {
		expect(wrkArgs({ url: "http://127.0.0.1:1", concurrency: 32, threads: 1, durationMs: 2_600, script: "/x/replay.lua" })).toEqual([
			"-t1",
			"-c32",
			"-d3s",
			"--timeout",
			"30s",
			"--latency",
			"-s",
			"/x/replay.lua",
			"http://127.0.0.1:1",
		]);
	});
});
