// The secret values .dev.vars.example publishes, in one place: anyone can
// read them, so the Worker honours them only on a loopback host (a local
// `wrangler dev` or the tests) and refuses elsewhere (src/ingest/dev-secrets.ts,
// src/shared/auth.ts). `npm run doctor` and `npm run setup` flag them, and the
// scripts and tests that talk to a local stack take them from here.
// A test keeps this list and .dev.vars.example in step.
export const DEV_SECRETS = {
	WEBHOOK_SECRET: "dev-webhook-secret-do-not-use-in-production",
	ADMIN_TOKEN: "dev-admin-token-do-not-use-in-production",
	STRIPE_WEBHOOK_SECRET: "whsec_dev_stripe_secret_do_not_use_in_production",
	GITHUB_WEBHOOK_SECRET: "dev-github-secret-do-not-use-in-production",
	SHOPIFY_WEBHOOK_SECRET: "dev-shopify-secret-do-not-use-in-production",
	SLACK_SIGNING_SECRET: "dev-slack-signing-secret-do-not-use-in-production",
	STANDARD_WEBHOOK_SECRET: "whsec_ZGV2LXN0YW5kYXJkLXdlYmhvb2tzLXNlY3JldC1ub3QtZm9yLXByb2Q=",
	ALERT_WEBHOOK_SECRET: "whsec_ZGV2LWFsZXJ0LXdlYmhvb2stc2VjcmV0LW5vdC1mb3ItcHJvZA==",
} as const satisfies Record<string, string>;

export type DevSecretName = keyof typeof DEV_SECRETS;

const PUBLISHED: ReadonlySet<string> = new Set(Object.values(DEV_SECRETS));

// True for a published dev value, whichever var holds it (a copied .dev.vars
// may put one under another name), ignoring the stray newline of
// `echo … | wrangler secret put`.
export function isDevSecret(value: unknown): boolean {
	return typeof value === "string" && PUBLISHED.has(value.trim());
}

// The names among `names` whose value in vars is a published dev value.
export function devSecretsIn(vars: Readonly<Record<string, unknown>>, names: Iterable<string>): string[] {
	return [...new Set(names)].filter((name) => isDevSecret(vars[name]));
}

// Hosts where the dev values are honoured: only loopback names, as the
// request URL carries them (URL.hostname keeps IPv6 brackets).
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOSTS.includes(hostname.toLowerCase().replace(/\.$/, ""));
}

// Retry-After of the 503 a refused dev secret gets: the sender keeps
// retrying while the operator replaces the secret.
export const INSECURE_SECRET_RETRY_AFTER_SECONDS = 300;
