// The admin API, with the bearer token kept for this tab only.
const KEY = "pipeline.adminToken";

export const token = {
	get: () => sessionStorage.getItem(KEY),
	set: (value) => sessionStorage.setItem(KEY, value),
	clear: () => sessionStorage.removeItem(KEY),
};

export class Unauthorized extends Error {}

export async function api(path, { method = "GET", body } = {}) {
	const headers = { authorization: `Bearer ${token.get() ?? ""}` };
	if (body !== undefined) headers["content-type"] = "application/json";
	const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const data = await res.json().catch(() => ({}));
	if (res.status === 401) throw new Unauthorized(data.message ?? "The token was rejected");
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${data.message ?? data.error ?? ""}`.trim());
	return data;
}
