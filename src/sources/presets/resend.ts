// Resend webhooks (sent through Svix).
//
// Signature: Standard Webhooks under svix-* headers, secret `whsec_…` (the
// webhook's Signing Secret in the Resend dashboard), within 300 s.
// Identity: id = svix-id, type = body.type ("email.delivered",
// "email.bounced"), occurredAt = body.created_at.

import type { Preset } from "../types";
import { standardIdentify, standardSecretKey, standardVerify } from "./standard";

export const resend: Preset<"resend"> = {
	kind: "resend",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify: standardVerify("resend", (secret) => standardSecretKey(secret, "resend")),
	identify: standardIdentify(),
	mappings: {},
};
