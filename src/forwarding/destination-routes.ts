import { Hono } from "hono";
import { documented } from "../shared/describe";
import { ApiError } from "../shared/errors";
import { logLine } from "../shared/log";
import { generateSecret, rotateSecrets } from "../shared/standard-webhooks";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";
import { changeBreaker, followUp } from "./breaker-store";
import { type BreakerState, CLOSED, pause, resume } from "./core/breaker";
import { applyPatch, destinationCreateSchema, destinationPatchSchema } from "./core/schema";
import { invalidateTargets } from "./fanout";
import { sendRelease } from "./messages";
import { type Destination, deleteDestination, getDestination, insertDestination, listDestinations, updateSettings } from "./store";
import { destinationStats, destinationView, destinationViewSchema, emptyStats, withSecretSchema } from "./view";

// /api/destinations: where processed events are forwarded (admin token,
// applied in app.ts).

const TAGS = ["Destinations"];
const idParam = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
const rotateBody = z.strictObject({
	overlap_seconds: z
		._default(z.int().check(z.gte(0), z.lte(7 * 24 * 3600)), 24 * 3600)
		.check(z.describe("How long the previous secret keeps signing beside the new one (default 24 h)")),
});

const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const newId = () => `dst_${Array.from(randomBytes(8), (b) => b.toString(16).padStart(2, "0")).join("")}`;

async function found(db: D1Database, id: string): Promise<Destination> {
	const d = await getDestination(db, id);
	if (!d) throw new ApiError(404, { code: "destination_not_found", message: `No destination ${id}`, details: { id } });
	return d;
}

async function viewOf(db: D1Database, id: string) {
	const d = await found(db, id);
	const stats = (await destinationStats(db, Date.now(), id)).get(id) ?? emptyStats();
	return destinationView(d, stats);
}

// Pause or resume through the breaker's compare-and-set; a resume (or any
// change that closes the breaker) releases the held deliveries.
async function moveBreaker(env: Env, id: string, change: (s: BreakerState) => BreakerState) {
	const now = Date.now();
	const moved = await changeBreaker(env.DB, id, change, now);
	if (!moved) throw new ApiError(404, { code: "destination_not_found", message: `No destination ${id}`, details: { id } });
	await followUp(env.DELIVERIES_QUEUE, id, moved, now);
	return moved;
}

const one = (summary: string, extra: Record<number, readonly [string, z.ZodMiniType?]> = {}) =>
	documented({ summary, tags: TAGS, responses: { 200: ["The destination", destinationViewSchema], 404: ["Unknown id"], ...extra } });

export const destinationRoutes = new Hono<{ Bindings: Env }>()
	.post(
		"/",
		documented({
			summary: "Create a destination",
			description: "Answers with the destination and its signing secret (whsec_…), which is never shown in full again.",
			tags: TAGS,
			requestBody: destinationCreateSchema,
			responses: { 201: ["Created, with its secret", withSecretSchema] },
		}),
		validated("json", destinationCreateSchema),
		async (c) => {
			const now = Date.now();
			const secret = generateSecret(randomBytes);
			const d: Destination = {
				...c.req.valid("json"),
				id: newId(),
				disabled_reason: null,
				secrets: [{ secret, created_at: now, expires_at: null }],
				breaker: CLOSED,
				breaker_version: 0,
				created_at: now,
				updated_at: now,
			};
			if (!d.enabled) d.disabled_reason = "operator";
			await insertDestination(c.env.DB, d);
			invalidateTargets();
			logLine("info", "destination_created", { id: d.id, event_types: d.event_types });
			return c.json({ ...destinationView(d, emptyStats()), secret }, 201);
		},
	)
	.get(
		"/",
		documented({
			summary: "List destinations with their delivery stats",
			tags: TAGS,
			responses: { 200: ["Every destination", z.object({ data: z.array(destinationViewSchema) })] },
		}),
		async (c) => {
			const [list, stats] = await Promise.all([listDestinations(c.env.DB), destinationStats(c.env.DB, Date.now())]);
			return c.json({ data: list.map((d) => destinationView(d, stats.get(d.id) ?? emptyStats())) });
		},
	)
	.get("/:id", one("One destination with its delivery stats"), validated("param", idParam), async (c) =>
		c.json(await viewOf(c.env.DB, c.req.valid("param").id)),
	)
	.patch(
		"/:id",
		documented({
			summary: "Change a destination (fields not sent keep their values; auth is replaced as a whole)",
			tags: TAGS,
			requestBody: destinationPatchSchema,
			responses: { 200: ["The destination", destinationViewSchema], 404: ["Unknown id"] },
		}),
		validated("param", idParam),
		validated("json", destinationPatchSchema),
		async (c) => {
			const { id } = c.req.valid("param");
			const before = await found(c.env.DB, id);
			const after = { ...applyPatch(before, c.req.valid("json")), updated_at: Date.now() };
			if (after.enabled !== before.enabled) after.disabled_reason = after.enabled ? null : "operator";
			if (!(await updateSettings(c.env.DB, after)))
				throw new ApiError(404, { code: "destination_not_found", message: `No destination ${id}`, details: { id } });
			invalidateTargets();
			// Switched back on: what was held while it was off goes now.
			if (after.enabled && !before.enabled) await sendRelease(c.env.DELIVERIES_QUEUE, id);
			return c.json(await viewOf(c.env.DB, id));
		},
	)
	.delete(
		"/:id",
		documented({
			summary: "Delete a destination with its deliveries and their attempts",
			tags: TAGS,
			responses: { 204: ["Deleted"], 404: ["Unknown id"] },
		}),
		validated("param", idParam),
		async (c) => {
			const { id } = c.req.valid("param");
			if (!(await deleteDestination(c.env.DB, id)))
				throw new ApiError(404, { code: "destination_not_found", message: `No destination ${id}`, details: { id } });
			invalidateTargets();
			logLine("info", "destination_deleted", { id });
			return c.body(null, 204);
		},
	)
	.post(
		"/:id/rotate-secret",
		documented({
			summary: "Rotate the signing secret, with overlap",
			description: "A new secret signs from now on; the previous ones keep signing beside it (two v1 signatures) until the overlap ends.",
			tags: TAGS,
			requestBody: rotateBody,
			responses: { 200: ["The destination and its new secret", withSecretSchema], 404: ["Unknown id"] },
		}),
		validated("param", idParam),
		validated("json", rotateBody),
		async (c) => {
			const { id } = c.req.valid("param");
			const now = Date.now();
			const d = await found(c.env.DB, id);
			const secret = generateSecret(randomBytes);
			const rotated = { ...d, secrets: rotateSecrets(d.secrets, secret, now, c.req.valid("json").overlap_seconds * 1000), updated_at: now };
			await updateSettings(c.env.DB, rotated);
			logLine("info", "destination_secret_rotated", { id });
			return c.json({ ...(await viewOf(c.env.DB, id)), secret });
		},
	)
	.post("/:id/pause", one("Pause deliveries (held until resumed)"), validated("param", idParam), async (c) => {
		const { id } = c.req.valid("param");
		await moveBreaker(c.env, id, (s) => pause(s, Date.now()));
		return c.json(await viewOf(c.env.DB, id));
	})
	.post("/:id/resume", one("Resume deliveries (closes the breaker; held deliveries go out)"), validated("param", idParam), async (c) => {
		const { id } = c.req.valid("param");
		await moveBreaker(c.env, id, resume);
		return c.json(await viewOf(c.env.DB, id));
	});
