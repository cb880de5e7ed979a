// Supabase Auth hooks over HTTP (Send Email, Custom Access Token, …).
//
// Signature: Standard Webhooks (webhook-id / webhook-timestamp /
// webhook-signature), within 300 s. The dashboard shows the secret as
// `v1,whsec_<base64>`; either that or the bare `whsec_…` part may be stored.
// Identity: id = webhook-id; type = body.type when present, else
// `auth.<email_data.email_action_type>` for the Send Email hook
// ("auth.signup" for a new user's confirmation email), else "auth.hook".
//
// Mapping: auth.signup → user_signup (user.id, user.email).

import type { MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { bodyString, isRecord } from "./shared";
import { standardIdentify, standardSecretKey, standardVerify } from "./standard";

export const supabaseMappings: MappingTable = {
	"auth.signup": {
		type: "user_signup",
		fields: {
			user_id: "user.id",
			"metadata.email": { path: "user.email", optional: true },
			"metadata.source": { const: "supabase" },
		},
	},
};

export const supabase: Preset<"supabase"> = {
	kind: "supabase",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify: standardVerify("supabase", (secret) => standardSecretKey(secret.replace(/^v1,/, ""), "supabase")),
	identify: standardIdentify((json) => {
		if (!isRecord(json)) return undefined;
		const action = bodyString(json, "email_data.email_action_type");
		return bodyString(json, "type") ?? (action !== undefined ? `auth.${action}` : "auth.hook");
	}),
	mappings: supabaseMappings,
};
