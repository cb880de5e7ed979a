// Renders the OpenAPI document as one self-contained HTML page: no scripts,
// no external CDN, readable on a phone. Pure, so it is unit-tested.

interface Parameter {
	name: string;
	in: string;
	required?: boolean;
	description?: string;
	schema?: unknown;
}

interface MediaContent {
	[media: string]: { schema?: unknown };
}

interface Operation {
	summary?: string;
	description?: string;
	tags?: string[];
	security?: unknown[];
	parameters?: Parameter[];
	requestBody?: { content?: MediaContent };
	responses?: Record<string, { description?: string; content?: MediaContent }>;
}

export interface SpecLike {
	info: { title: string; version: string; description?: string };
	paths: Record<string, Record<string, Operation | undefined>>;
}

const esc = (s: unknown) =>
	String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const schemaBlock = (label: string, content: MediaContent | undefined) =>
	Object.entries(content ?? {})
		.map(
			([media, { schema }]) =>
				`<details><summary>${esc(label)} <code>${esc(media)}</code></summary><pre>${esc(JSON.stringify(schema ?? {}, null, 2))}</pre></details>`,
		)
		.join("");

function typeOf(schema: unknown): string {
	const s = schema as { type?: unknown; enum?: unknown[]; anyOf?: unknown[] } | undefined;
	if (s?.enum) return s.enum.map(String).join(" | ");
	if (s?.anyOf) return s.anyOf.map(typeOf).join(" | ");
	return typeof s?.type === "string" ? s.type : Array.isArray(s?.type) ? s.type.join(" | ") : "any";
}

function renderOperation(method: string, path: string, op: Operation): string {
	const params = op.parameters ?? [];
	const paramTable = params.length
		? `<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${params
				.map(
					(p) =>
						`<tr><td><code>${esc(p.name)}</code>${p.required ? " *" : ""}</td><td>${esc(p.in)}</td><td>${esc(typeOf(p.schema))}</td><td>${esc(
							p.description ?? (p.schema as { description?: string } | undefined)?.description ?? "",
						)}</td></tr>`,
				)
				.join("")}</tbody></table>`
		: "";
	const responses = Object.entries(op.responses ?? {})
		.map(
			([status, r]) =>
				`<li><b class="s${esc(status[0])}">${esc(status)}</b> ${esc(r.description ?? "")}${schemaBlock("Body", r.content)}</li>`,
		)
		.join("");
	const locked = op.security?.length ? ' <span class="lock" title="Authorization: Bearer ADMIN_TOKEN">🔒 admin token</span>' : "";
	return `<section class="op" id="${esc(`${method}-${path}`)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>${locked}</h3>
${op.summary ? `<p>${esc(op.summary)}</p>` : ""}${op.description ? `<p class="d">${esc(op.description)}</p>` : ""}
${paramTable}${schemaBlock("Request body", op.requestBody?.content)}
<ul class="r">${responses}</ul>
</section>`;
}

export function renderReference(spec: SpecLike): string {
	const byTag = new Map<string, string[]>();
	for (const [path, methods] of Object.entries(spec.paths)) {
		for (const [method, op] of Object.entries(methods)) {
			if (!op) continue;
			const tag = op.tags?.[0] ?? "Other";
			byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
		}
	}
	const tags = [...byTag.keys()];
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(spec.info.title)} — API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header,main{max-width:960px;margin:auto;padding:0 16px}header{padding-top:16px}
nav a{margin-right:12px}h2{margin-top:32px;border-bottom:1px solid #d5d9e0}
.op{background:#fff;border:1px solid #d5d9e0;border-radius:8px;padding:8px 16px;margin:12px 0;overflow-x:auto}
.op h3{font-size:16px;margin:8px 0;word-break:break-all}.m{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f6fde}.post{background:#1a8f4f}.delete{background:#c2352b}.put,.patch{background:#b7791f}
.lock{font-size:12px;color:#6b4e00;background:#fff3cd;border-radius:4px;padding:1px 6px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;border-top:1px solid #e6e8ec;padding:4px 6px;vertical-align:top}
pre{background:#0f1420;color:#e3e8f2;padding:8px;border-radius:6px;overflow-x:auto;font-size:12px}
.r{padding-left:18px}.s2{color:#1a8f4f}.s4{color:#b7791f}.s5{color:#c2352b}.d{color:#4a5263}
</style></head><body>
<header><h1>${esc(spec.info.title)} <small>${esc(spec.info.version)}</small></h1>
${spec.info.description ? `<p>${esc(spec.info.description)}</p>` : ""}
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1)</p>
<nav>${tags.map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join("")}</nav></header>
<main>${tags.map((t) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${(byTag.get(t) ?? []).join("\n")}`).join("\n")}</main>
</body></html>`;
}
