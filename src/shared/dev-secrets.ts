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
	CLERK_WEBHOOK_SECRET: "whsec_ZGV2LWNsZXJrLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24=",
	RESEND_WEBHOOK_SECRET: "whsec_ZGV2LXJlc2VuZC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u",
	OPENAI_WEBHOOK_SECRET: "whsec_ZGV2LW9wZW5haS1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u",
	POLAR_WEBHOOK_SECRET: "dev-polar-secret-do-not-use-in-production",
	SUPABASE_WEBHOOK_SECRET: "v1,whsec_ZGV2LXN1cGFiYXNlLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24=",
	WORKOS_WEBHOOK_SECRET: "dev-workos-secret-do-not-use-in-production",
	PADDLE_WEBHOOK_SECRET: "pdl_ntfset_dev_paddle_secret_do_not_use_in_production",
	LEMONSQUEEZY_WEBHOOK_SECRET: "dev-lemonsqueezy-secret-do-not-use-in-production",
	CHARGEBEE_WEBHOOK_SECRET: "chargebee:dev-chargebee-password-not-for-production",
	POSTMARK_WEBHOOK_SECRET: "postmark:dev-postmark-password-not-for-production",
	RECURLY_WEBHOOK_SECRET: "dev-recurly-secret-do-not-use-in-production",
	RAZORPAY_WEBHOOK_SECRET: "dev-razorpay-secret-do-not-use-in-production",
	PAYSTACK_WEBHOOK_SECRET: "sk_test_dev_paystack_secret_do_not_use_in_production",
	SQUARE_WEBHOOK_SECRET: "dev-square-signature-key-do-not-use-in-production",
	TWILIO_AUTH_TOKEN: "dev-twilio-auth-token-do-not-use-in-production",
	SENDGRID_WEBHOOK_PUBLIC_KEY:
		"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjb4Ynpa/V+1tD71i+zhjtooephDzwXWV6i44GC+fCy51O2pIyEfsUWFmFSbAIN66gewdUUOMVp1AGq9CxBANUw==",
	MAILGUN_WEBHOOK_SECRET: "dev-mailgun-signing-key-do-not-use-in-production",
	DISCORD_PUBLIC_KEY: "8c8084176fb7fd6604a33701aec12cd4449e58cfc71fb3162ee00646e16b16c2",
	LINEAR_WEBHOOK_SECRET: "dev-linear-secret-do-not-use-in-production",
	INTERCOM_WEBHOOK_SECRET: "dev-intercom-secret-do-not-use-in-production",
	VERCEL_WEBHOOK_SECRET: "dev-vercel-secret-do-not-use-in-production",
	SEGMENT_WEBHOOK_SECRET: "dev-segment-secret-do-not-use-in-production",
	HUBSPOT_WEBHOOK_SECRET: "dev-hubspot-client-secret-do-not-use-in-production",
	ZOOM_WEBHOOK_SECRET: "dev-zoom-secret-token-do-not-use-in-production",
	TYPEFORM_WEBHOOK_SECRET: "dev-typeform-secret-do-not-use-in-production",
	CALENDLY_WEBHOOK_SECRET: "dev-calendly-signing-key-do-not-use-in-production",
	GITLAB_WEBHOOK_SECRET: "dev-gitlab-token-do-not-use-in-production",
	BITBUCKET_WEBHOOK_SECRET: "dev-bitbucket-secret-do-not-use-in-production",
	TWITCH_WEBHOOK_SECRET: "dev-twitch-secret-do-not-use-in-production",
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
