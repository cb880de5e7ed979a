import { fieldIssues } from "../shared/validation";
import * as z from "../zod/mini";
import type { EventEnvelope } from "./envelope";

// How one D1 table is written: its columns and the ON CONFLICT clause that
// makes a second delivery (or an archive replay) a no-op or a forward move.
// Table, column and clause text are code constants; values are always bound.
export interface TableSpec<Row extends object> {
	readonly table: string;
	readonly columns: readonly (keyof Row & string)[];
	conflict(replay: boolean): string;
}

type RowOf<S> = S extends TableSpec<infer R> ? R : never;
// biome-ignore lint/suspicious/noExplicitAny: a registry holds specs of many row types.
export type AnyTableSpec = TableSpec<any>;

// Rows one event derives, by table name. Plain data: the consumer turns them
// into SQL, so event types stay pure and testable without a database.
export type DerivedRows<Tables extends Record<string, AnyTableSpec> = Record<string, AnyTableSpec>> = {
	[K in keyof Tables]?: RowOf<Tables[K]>[];
};

// A failure that no retry can fix (the event's own data is wrong): it goes to
// the dead-letter path at once, with this reason.
export class PermanentError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = "PermanentError";
	}
}

// A failure that may pass on a later attempt (a database hiccup, say).
export class TransientError extends Error {
	override name = "TransientError";
}

// One event type, in one module: its payload schema (inside derive), the
// rows it derives and the tables those rows go to. The consumer writes every
// table the registry's types declare; nothing else needs to know the type.
export interface EventType<Tables extends Record<string, AnyTableSpec> = Record<string, AnyTableSpec>> {
	readonly type: string;
	// The slice of the event derive checks (parseEventData): the sender-facing
	// field list is rendered from it (events/docs.ts), so it cannot drift.
	readonly schema: z.ZodMiniType;
	readonly tables: Tables;
	derive(event: EventEnvelope, occurredAt: number): DerivedRows<Tables>;
}

// Checks a type's derive against its own tables while keeping the registry's
// element type uniform.
export function defineEventType<Tables extends Record<string, AnyTableSpec>>(definition: EventType<Tables>): EventType {
	return definition as unknown as EventType;
}

// Parses a handler's own slice of the event, or fails permanently naming
// every bad field.
export function parseEventData<S extends z.ZodMiniType>(schema: S, input: unknown, eventType: string): z.infer<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const fields = fieldIssues(result.error);
	throw new PermanentError("invalid_event_data", `${eventType}: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`);
}

// An ISO 4217 currency code as event types accept it: any case in, upper case out.
export const currencyCode = z
	.pipe(
		z.string().check(z.regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")),
		z.transform((c: string) => c.toUpperCase()),
	)
	.check(z.describe("3-letter ISO 4217 code"));
