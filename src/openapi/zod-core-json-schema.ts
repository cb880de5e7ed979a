// Bundled in place of "zod/v4/core" (see [alias] in wrangler.toml).
//
// hono-openapi turns schemas into JSON Schema through
// @standard-community/standard-json, which loads zod's converter with
// `await import("zod/v4/core")`. That entry re-exports every locale
// (`export * as locales`), and a dynamic import keeps all of a module's
// exports, so it alone put ~400 KB back into the Worker. The converter is
// the only export standard-json reads; taken from zod/mini by name, it
// tree-shakes to itself. The OpenAPI document is still rendered by zod's
// own toJSONSchema from the schemas the routes validate with.
export { toJSONSchema } from "zod/mini";
