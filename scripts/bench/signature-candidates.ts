// How much a forged list of signatures costs the Worker: Stripe's verify on a
// 1 MB body with 1 v1 candidate, then with 240 (none of them valid), timed
// in this process with Web Crypto. A script, not a test (timings depend on
// the machine); what it judges is the ratio, which should stay near 1.
//
//   npm run bench:signatures -- [rounds]
import { performance } from "node:perf_hooks";
import { stripe } from "../../src/sources/presets/stripe";

const SECRET = "whsec_bench_5a1f0c9e2b7d4a6f8e3c1b0d9a7f6e5d";
const NOW = 1_767_225_600;
const body = new TextEncoder().encode(JSON.stringify({ id: "evt_bench", type: "x", pad: "x".repeat(1024 * 1024 - 40) }));
const forged = (n: number) => Array.from({ length: n }, (_, i) => `v1=${i.toString(16).padStart(64, "0")}`).join(",");

function requestWith(candidates: number) {
	return { headers: { "stripe-signature": `t=${NOW},${forged(candidates)}` }, body };
}

async function once(request: ReturnType<typeof requestWith>): Promise<number> {
	const start = performance.now();
	const verdict = await stripe.verify(request, [SECRET], { toleranceSeconds: 300, nowSeconds: NOW });
	if (verdict.ok) throw new Error("a forged signature verified");
	return performance.now() - start;
}

const median = (samples: number[]) => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;

// Rounds alternate between the two cases, so load on the machine and
// warm-up weigh on both alike.
const rounds = Number(process.argv[2] ?? 15);
const [one, many] = [requestWith(1), requestWith(240)];
await once(one);
await once(many);
const samples = { one: [] as number[], many: [] as number[] };
for (let i = 0; i < rounds; i++) {
	samples.one.push(await once(one));
	samples.many.push(await once(many));
}
const [oneMs, manyMs] = [median(samples.one), median(samples.many)];
console.log(
	JSON.stringify({
		body_bytes: body.length,
		rounds,
		median_ms: { one: +oneMs.toFixed(2), many_240: +manyMs.toFixed(2) },
		ratio: +(manyMs / oneMs).toFixed(2),
	}),
);
