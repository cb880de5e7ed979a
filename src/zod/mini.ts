import { config, type core } from "zod/mini";
import en from "zod/v4/locales/en.js";

// zod/mini, as every schema module in src/ imports it:
//   import * as z from "./mini";
//
// Why mini: classic zod attaches its whole method API and every locale to
// the bundle (~470 KB of the Worker); mini's functions tree-shake to what
// the schemas use. Import it as a namespace (`import * as z`) and never
// re-export it as a value (`export { z }`): a namespace object that escapes
// makes esbuild keep every export, locales included.
//
// Why here: mini sets no locale, so each issue would read "Invalid input".
// English is set once, before any schema parses, so API answers and dead
// letters keep the messages classic zod gave.
config(en());

export * from "zod/mini";

// Classic zod hands a transform a ctx.addIssue; mini hands it the bare parse
// payload. This records a custom issue as classic's addIssue did (the path
// is relative to the transformed value).
export function addIssue(ctx: core.ParsePayload, issue: { message: string; path?: PropertyKey[] }): void {
	ctx.issues.push({ code: "custom", input: ctx.value, ...issue });
}
