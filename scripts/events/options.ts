// Command-line options of `npm run events -- <scenario> [options]`, parsed
// with node:util and validated (and typed) by one zod schema.
import { parseArgs } from "node:util";
import { z } from "zod";
import { SOURCE_PATTERN } from "../../src/events/envelope";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";

export const SCENARIOS = ["basic", "idempotency", "burst", "batch", "invalid", "load", "providers"] as const;
export const DEFAULT_URL = "http://127.0.0.1:8787";
export const DEV_SECRET = DEV_SECRETS.WEBHOOK_SECRET;
export const DEV_ADMIN_TOKEN = DEV_SECRETS.ADMIN_TOKEN;

// "50" or "50/s" per second, "500/min" per minute → events per second.
export function parseRate(raw: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|m|min))?\s*$/i.exec(raw);
	if (!match) throw new Error(`invalid rate "${raw}" (use 50, 50/s or 500/min)`);
	const value = Number(match[1]);
	return /^m/i.test(match[2] ?? "s") ? value / 60 : value;
}

// "30" or "30s" seconds, "5m" minutes, "1500ms" → milliseconds.
export function parseDuration(raw: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(raw);
	if (!match) throw new Error(`invalid duration "${raw}" (use 30, 30s, 5m or 1500ms)`);
	const value = Number(match[1]);
	const unit = (match[2] ?? "s").toLowerCase();
	return Math.round(unit === "ms" ? value : unit === "s" ? value * 1000 : value * 60_000);
}

const fromString = <T>(parse: (raw: string) => T) =>
	z.string().transform((raw, ctx) => {
		try {
			return parse(raw);
		} catch (err) {
			ctx.addIssue({ code: "custom", message: (err as Error).message });
			return z.NEVER;
		}
	});

const ratio = (max: number) => z.coerce.number().min(0).max(max);

export const optionsSchema = z.object({
	scenario: z.enum(SCENARIOS),
	url: z.url().default(DEFAULT_URL),
	secret: z.string().min(1).default(DEV_SECRET),
	adminToken: z.string().min(1).default(DEV_ADMIN_TOKEN),
	source: z.string().regex(SOURCE_PATTERN).default("events-cli"),
	devVars: z.string().min(1).optional(),
	json: z.boolean().default(false),
	count: z.coerce.number().int().positive().max(100_000).optional(),
	rate: fromString(parseRate).pipe(z.number().positive().max(20_000)).default(20),
	duration: fromString(parseDuration).pipe(z.number().positive().max(3_600_000)).default(30_000),
	concurrency: z.coerce.number().int().positive().max(2_000).default(128),
	duplicates: ratio(0.9).default(0.05),
	poison: ratio(0.5).default(0),
	persistTo: z.string().min(1).optional(),
	remote: z.boolean().default(false),
	reconcile: z.boolean().default(true),
	drainTimeout: fromString(parseDuration).pipe(z.number().positive().max(3_600_000)).default(120_000),
	timeout: fromString(parseDuration).pipe(z.number().positive().max(120_000)).default(10_000),
	seed: z.coerce.number().int().optional(),
	localStack: z.boolean().default(false),
	chaos: ratio(1).optional(),
	help: z.boolean().default(false),
});

export type CliOptions = z.infer<typeof optionsSchema>;

const FLAGS = {
	url: { type: "string" },
	secret: { type: "string" },
	"admin-token": { type: "string" },
	source: { type: "string" },
	"dev-vars": { type: "string" },
	json: { type: "boolean" },
	count: { type: "string", short: "n" },
	rate: { type: "string" },
	duration: { type: "string" },
	concurrency: { type: "string" },
	duplicates: { type: "string" },
	poison: { type: "string" },
	"persist-to": { type: "string" },
	remote: { type: "boolean" },
	"no-reconcile": { type: "boolean" },
	"drain-timeout": { type: "string" },
	timeout: { type: "string" },
	seed: { type: "string" },
	"local-stack": { type: "boolean" },
	chaos: { type: "string" },
	help: { type: "boolean", short: "h" },
} as const;

export function parseOptions(argv: readonly string[]): CliOptions {
	const { values, positionals } = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
	const {
		"persist-to": persistTo,
		"no-reconcile": noReconcile,
		"drain-timeout": drainTimeout,
		"local-stack": localStack,
		"admin-token": adminToken,
		"dev-vars": devVars,
		...rest
	} = values;
	const parsed = optionsSchema.safeParse({
		...rest,
		scenario: positionals[0] ?? (values.help ? "basic" : undefined),
		persistTo,
		adminToken,
		devVars,
		drainTimeout,
		localStack,
		reconcile: !noReconcile,
	});
	if (!parsed.success) {
		throw new Error(parsed.error.issues.map((i) => `--${i.path.join(".") || "?"}: ${i.message}`).join("\n"));
	}
	if (parsed.data.chaos !== undefined && !parsed.data.localStack) {
		throw new Error(
			"--chaos sets the Worker's CHAOS_FAIL_RATE, so it needs --local-stack (or start `npm run dev -- --var CHAOS_FAIL_RATE:0.2` yourself)",
		);
	}
	return parsed.data;
}

export const USAGE = `Usage: npm run events -- <scenario> [options]

Scenarios:
  basic        a few realistic events of each type (35/28/37 mix), each response printed
  idempotency  one event three times (1 accepted, 2 duplicates), a conflicting body, and a race of many copies
  burst        N events (default 50) as fast as allowed (--concurrency caps in-flight requests)
  batch        one POST /webhook/batch of N events (default 20)
  invalid      every kind of bad input, flagging any that is not a clean 4xx (poison must reach dead_letters)
  load         open loop at --rate for --duration, with --duplicates and --poison mixed in
  providers    signed deliveries from every provider preset to /webhook/<name> (Stripe customer and
               subscription lifecycle + failed invoice, GitHub push, Shopify customer, Slack message and
               url_verification, Standard Webhooks event), each sent twice, plus one tampered delivery;
               each must land once as processed or unhandled under its canonical type

Options:
  --url URL             Worker base URL (default ${DEFAULT_URL}, what \`npm run dev\` serves)
  --secret S            WEBHOOK_SECRET to sign with (default: the local dev secret)
  --admin-token T       ADMIN_TOKEN for the backlog in GET /api/health while draining (default: the local dev token)
  --source NAME         sent as X-Webhook-Source (default events-cli)
  --dev-vars FILE       providers: read the provider secrets (STRIPE_WEBHOOK_SECRET, …) from this file
                        (default: .dev.vars, else the dev values in .dev.vars.example; the environment wins)
  -n, --count N         events for basic (per type), burst, batch, idempotency race
  --rate R              load: arrivals per second, or e.g. 500/min (default 20)
  --duration D          load: 30s, 5m, 1500ms (default 30s)
  --concurrency C       most requests in flight (default 128)
  --duplicates F        load: share of sends that repeat an acknowledged event (default 0.05)
  --poison F            load: share of sends that are poison (default 0)
  --persist-to DIR      local D1 state dir, if \`wrangler dev\` was started with --persist-to
  --remote              reconcile against the deployed D1 (wrangler d1 execute --remote)
  --no-reconcile        skip waiting for D1
  --drain-timeout D     longest wait for the backlog to drain (default 120s)
  --timeout D           per-request timeout (default 10s)
  --seed N              replay the same generated data
  --local-stack         start a fresh local stack on a free port for this run, stop it after
  --chaos F             with --local-stack: CHAOS_FAIL_RATE for the Worker (0..1)
  --json                print the report as JSON
`;
