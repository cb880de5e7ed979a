// GitLab webhooks.
//
// Authentication: X-Gitlab-Token carries the webhook's secret token as is
// (GitLab signs nothing); compared in constant time. No timestamp; the id is
// an unsigned header, so bodyDedupe.
// Identity: id = X-Gitlab-Event-UUID, type = body.object_kind plus
// ".<object_attributes.action>" when present ("merge_request.open"),
// falling back to X-Gitlab-Event ("Push Hook").

import type { DeliveryRequest, Preset, Verdict } from "../types";
import { secretEquals } from "./scheme";
import { bodyString, eventIdentity, header, MISMATCH, MISSING, missingHeader, OK, pickHeaders, requireSecrets } from "./shared";

async function verify(req: DeliveryRequest, secrets: readonly string[]): Promise<Verdict> {
	requireSecrets("gitlab", secrets);
	const token = header(req.headers, "x-gitlab-token");
	if (token === undefined) return MISSING;
	return (await secretEquals(token, secrets)) ? OK : MISMATCH;
}

export const gitlab: Preset<"gitlab"> = {
	kind: "gitlab",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	verify,
	identify(req, json) {
		const id = header(req.headers, "x-gitlab-event-uuid");
		if (id === undefined) return missingHeader("X-Gitlab-Event-UUID");
		const kind = bodyString(json, "object_kind");
		const action = bodyString(json, "object_attributes.action");
		const type = kind === undefined ? header(req.headers, "x-gitlab-event") : action === undefined ? kind : `${kind}.${action}`;
		if (type === undefined) return missingHeader("X-Gitlab-Event");
		return eventIdentity(id, type, undefined, pickHeaders(req.headers, ["x-gitlab-event", "x-gitlab-event-uuid", "x-gitlab-instance"]));
	},
	mappings: {},
};
