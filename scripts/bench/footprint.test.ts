import { describe, expect, it } from "vitest";
import { median, parseStartupProfile, parseUploadSize } from "./footprint";

// Captured from wrangler 4.156.2 (`deploy --dry-run --outfile …` and
// `check startup --worker …`), trimmed.
const DEPLOY = `
 ⛅️ wrangler 4.156.2 (update available 4.164.0)
───────────────────────────────────────────────
✨ Read 17 files from the assets directory /work/wt-zod-mini/public
Total Upload: 275.98 KiB / gzip: 93.30 KiB
Your Worker has access to the following bindings:
Binding                                            Resource
env.IDEMPOTENCY (IdempotencyShard)                 Durable Object
--dry-run: exiting now.
`;

const STARTUP = `
───────
├ Analysing
│ Startup phase analysed
│
│ Bundle: 275.98 KiB / gzip: 93.30 KiB
│
│ Local startup profile:
│   Profile window: 36.1 ms
│   Sampled time: 27.3 ms
│   Active: 9.7 ms (including 0.4 ms garbage collection)
│   Idle: 17.6 ms
│   Samples: 5
│
│ CPU Profile has been written to /tmp/footprint-x/startup-0.cpuprofile.
`;

describe("footprint parsing", () => {
	it("reads the upload size from a dry-run deploy, and from check startup's bundle line", () => {
		expect(parseUploadSize(DEPLOY)).toEqual({ uploadKiB: 275.98, gzipKiB: 93.3 });
		expect(parseUploadSize(STARTUP)).toEqual({ uploadKiB: 275.98, gzipKiB: 93.3 });
	});

	it("reads wrangler's active time, garbage collection and profile window", () => {
		expect(parseStartupProfile(STARTUP)).toEqual({ activeMs: 9.7, garbageCollectionMs: 0.4, profileWindowMs: 36.1 });
	});

	it("ignores colour codes", () => {
		expect(parseUploadSize("\x1b[1mTotal Upload:\x1b[0m 1237.11 KiB / gzip: 228.90 KiB").gzipKiB).toBe(228.9);
	});

	it("fails loudly, with the output, when wrangler printed something else", () => {
		expect(() => parseUploadSize("✘ [ERROR] Build failed")).toThrow(/no upload size[\s\S]*Build failed/);
		expect(() => parseStartupProfile(DEPLOY)).toThrow(/no active startup time/);
	});

	it("takes the median of the runs", () => {
		expect(median([9.7, 0, 11.6, 5, 3.3])).toBe(5);
		expect(median([8, 2, 4, 6])).toBe(5);
		expect(() => median([])).toThrow();
	});
});
