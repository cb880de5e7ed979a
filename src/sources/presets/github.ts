// GitHub webhooks.
//
// Signature: header X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
// body> keyed with the webhook secret. The legacy SHA-1 X-Hub-Signature is
// not accepted. No timestamp is signed, so there is no tolerance window
// (replays are stopped by idempotency on the delivery id).
//
// Identity: id = X-GitHub-Delivery (a GUID that redeliveries keep), type =
// X-GitHub-Event plus `.${action}` when the body has a string action
// ("issues.opened"). GitHub sends no event time in headers.
//
// ping (sent when a hook is created, or from "Redeliver") is answered 200
// {status:"pong"} and not queued: it carries no business data, and answering
// it only after verify() passed tells the operator the secret is right.

import { hmacSha256MatchesAny } from "../crypto";
import type { MappingTable } from "../mapping-rules";
import type { DeliveryRequest, Identification, Preset, Verdict } from "../types";
import { bodyString, eventIdentity, header, MISMATCH, MISSING, missingHeader, OK, pickHeaders, requireSecrets } from "./shared";

export const GITHUB_SIGNATURE_HEADER = "x-hub-signature-256";

const USEFUL_HEADERS = [
	"x-github-event",
	"x-github-delivery",
	"x-github-hook-id",
	"x-github-hook-installation-target-type",
	"x-github-hook-installation-target-id",
] as const;

async function verify(req: DeliveryRequest, secrets: readonly string[]): Promise<Verdict> {
	requireSecrets("github", secrets);
	const value = header(req.headers, GITHUB_SIGNATURE_HEADER);
	if (value === undefined) return MISSING;
	const match = /^sha256=(.*)$/i.exec(value);
	if (match?.[1] === undefined) return MISMATCH;
	return (await hmacSha256MatchesAny(secrets, [match[1]], "hex", req.body)) ? OK : MISMATCH;
}

function identify(req: DeliveryRequest, json: unknown): Identification {
	const event = header(req.headers, "x-github-event");
	if (event === undefined) return missingHeader("X-GitHub-Event");
	if (event === "ping") return { kind: "control", reason: "github_ping", status: 200, body: { status: "pong" } };
	const id = header(req.headers, "x-github-delivery");
	if (id === undefined) return missingHeader("X-GitHub-Delivery");
	const action = bodyString(json, "action");
	const type = action === undefined ? event : `${event}.${action}`;
	return eventIdentity(id, type, undefined, pickHeaders(req.headers, USEFUL_HEADERS), {
		id: "X-GitHub-Delivery",
		type: action === undefined ? "X-GitHub-Event" : "X-GitHub-Event, action",
	});
}

// No GitHub event maps onto a canonical type: every GitHub event is archived
// as unhandled. Sources can add rules in their config's mapping.
export const githubMappings: MappingTable = {};

export const github: Preset<"github"> = {
	kind: "github",
	defaultToleranceSeconds: null,
	// The id is an unsigned header and no timestamp is signed.
	bodyDedupe: true,
	verify,
	identify,
	mappings: githubMappings,
};
