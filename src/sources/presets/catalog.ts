// What an operator needs to connect each preset: the Worker secret it reads
// (its *_PREVIOUS twin is tried too, for rotation) and where the provider's
// webhook settings live. One entry per preset; the registry test checks
// they stay in step with PRESETS.

export interface PresetInfo {
	// Display name of the provider.
	readonly provider: string;
	readonly secretVar: string;
	// The provider-side page where the endpoint URL and its secret are set.
	readonly settingsUrl: string;
}

export const PRESET_INFO = {
	stripe: { provider: "Stripe", secretVar: "STRIPE_WEBHOOK_SECRET", settingsUrl: "https://dashboard.stripe.com/webhooks" },
	github: {
		provider: "GitHub",
		secretVar: "GITHUB_WEBHOOK_SECRET",
		settingsUrl: "https://docs.github.com/en/webhooks/using-webhooks/creating-webhooks",
	},
	shopify: {
		provider: "Shopify",
		secretVar: "SHOPIFY_WEBHOOK_SECRET",
		settingsUrl: "https://shopify.dev/docs/apps/build/webhooks/subscribe",
	},
	slack: { provider: "Slack", secretVar: "SLACK_SIGNING_SECRET", settingsUrl: "https://api.slack.com/apps" },
	standard: { provider: "Standard Webhooks", secretVar: "STANDARD_WEBHOOK_SECRET", settingsUrl: "https://www.standardwebhooks.com/" },
	clerk: { provider: "Clerk", secretVar: "CLERK_WEBHOOK_SECRET", settingsUrl: "https://dashboard.clerk.com/last-active?path=webhooks" },
	resend: { provider: "Resend", secretVar: "RESEND_WEBHOOK_SECRET", settingsUrl: "https://resend.com/webhooks" },
	openai: {
		provider: "OpenAI",
		secretVar: "OPENAI_WEBHOOK_SECRET",
		settingsUrl: "https://platform.openai.com/settings/organization/webhooks",
	},
	polar: { provider: "Polar", secretVar: "POLAR_WEBHOOK_SECRET", settingsUrl: "https://polar.sh/dashboard" },
	supabase: {
		provider: "Supabase Auth hooks",
		secretVar: "SUPABASE_WEBHOOK_SECRET",
		settingsUrl: "https://supabase.com/dashboard/project/_/auth/hooks",
	},
	workos: { provider: "WorkOS", secretVar: "WORKOS_WEBHOOK_SECRET", settingsUrl: "https://dashboard.workos.com/webhooks" },
	paddle: { provider: "Paddle", secretVar: "PADDLE_WEBHOOK_SECRET", settingsUrl: "https://vendors.paddle.com/notifications" },
	lemonsqueezy: {
		provider: "Lemon Squeezy",
		secretVar: "LEMONSQUEEZY_WEBHOOK_SECRET",
		settingsUrl: "https://app.lemonsqueezy.com/settings/webhooks",
	},
	chargebee: {
		provider: "Chargebee",
		secretVar: "CHARGEBEE_WEBHOOK_SECRET",
		settingsUrl: "https://www.chargebee.com/docs/2.0/webhook_settings.html",
	},
	postmark: { provider: "Postmark", secretVar: "POSTMARK_WEBHOOK_SECRET", settingsUrl: "https://account.postmarkapp.com/servers" },
	recurly: { provider: "Recurly", secretVar: "RECURLY_WEBHOOK_SECRET", settingsUrl: "https://app.recurly.com/go/integrations/webhooks" },
	razorpay: { provider: "Razorpay", secretVar: "RAZORPAY_WEBHOOK_SECRET", settingsUrl: "https://dashboard.razorpay.com/app/webhooks" },
	paystack: {
		provider: "Paystack",
		secretVar: "PAYSTACK_WEBHOOK_SECRET",
		settingsUrl: "https://dashboard.paystack.com/#/settings/developers",
	},
	square: { provider: "Square", secretVar: "SQUARE_WEBHOOK_SECRET", settingsUrl: "https://developer.squareup.com/apps" },
	twilio: { provider: "Twilio", secretVar: "TWILIO_AUTH_TOKEN", settingsUrl: "https://console.twilio.com/" },
	sendgrid: {
		provider: "SendGrid",
		secretVar: "SENDGRID_WEBHOOK_PUBLIC_KEY",
		settingsUrl: "https://app.sendgrid.com/settings/mail_settings/webhook_settings",
	},
	mailgun: { provider: "Mailgun", secretVar: "MAILGUN_WEBHOOK_SECRET", settingsUrl: "https://app.mailgun.com/mg/sending/webhooks" },
	discord: { provider: "Discord", secretVar: "DISCORD_PUBLIC_KEY", settingsUrl: "https://discord.com/developers/applications" },
	linear: { provider: "Linear", secretVar: "LINEAR_WEBHOOK_SECRET", settingsUrl: "https://linear.app/settings/api" },
	intercom: { provider: "Intercom", secretVar: "INTERCOM_WEBHOOK_SECRET", settingsUrl: "https://app.intercom.com/a/apps/_/developer-hub" },
	vercel: { provider: "Vercel", secretVar: "VERCEL_WEBHOOK_SECRET", settingsUrl: "https://vercel.com/account/webhooks" },
	segment: {
		provider: "Segment",
		secretVar: "SEGMENT_WEBHOOK_SECRET",
		settingsUrl: "https://app.segment.com/goto-my-workspace/destinations",
	},
	hubspot: { provider: "HubSpot", secretVar: "HUBSPOT_WEBHOOK_SECRET", settingsUrl: "https://app.hubspot.com/developer" },
	zoom: { provider: "Zoom", secretVar: "ZOOM_WEBHOOK_SECRET", settingsUrl: "https://marketplace.zoom.us/user/build" },
	typeform: { provider: "Typeform", secretVar: "TYPEFORM_WEBHOOK_SECRET", settingsUrl: "https://admin.typeform.com/" },
	calendly: {
		provider: "Calendly",
		secretVar: "CALENDLY_WEBHOOK_SECRET",
		settingsUrl: "https://developer.calendly.com/api-docs/c1ddc06ce1f1b-create-webhook-subscription",
	},
	gitlab: {
		provider: "GitLab",
		secretVar: "GITLAB_WEBHOOK_SECRET",
		settingsUrl: "https://docs.gitlab.com/user/project/integrations/webhooks/",
	},
	bitbucket: {
		provider: "Bitbucket",
		secretVar: "BITBUCKET_WEBHOOK_SECRET",
		settingsUrl: "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/",
	},
	twitch: { provider: "Twitch EventSub", secretVar: "TWITCH_WEBHOOK_SECRET", settingsUrl: "https://dev.twitch.tv/console/apps" },
} as const satisfies Record<string, PresetInfo>;
