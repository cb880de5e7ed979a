// Dev-only private keys for the two presets verified with a public key
// (Discord: Ed25519; SendGrid: ECDSA P-256). Their public halves are the
// DISCORD_PUBLIC_KEY and SENDGRID_WEBHOOK_PUBLIC_KEY in .dev.vars.example;
// the event generator and the tests sign with these. Never production keys:
// a real provider signs with its own private key, which nobody else holds.
export const DEV_SIGNING_KEYS = {
	// PKCS#8, base64.
	discord: "MC4CAQAwBQYDK2VwBCIEIIoV70GWodiBj5Hnw8Oaw0/sE/9Z5qqkaOjCfa4MUoXc",
	sendgrid:
		"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcj/yC26S5c7XNlJzZ7iBWUHizeoxckbHbemkcslAAwGhRANCAASNvhielr9X7W0PvWL7OGO2ih6mEPPBdZXqLjgYL58LLnU7akjIR+xRYWYVJsAg3rqB7B1RQ4xWnUAar0LEEA1T",
} as const;
