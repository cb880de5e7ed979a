// Provider sources: GET /api/sources (who sends, whether their signing secret
// is set, what they were told) and the failed payments they reported, from
// GET /api/analytics/payments over the dashboard's window.
import { api } from "./api.js";
import { $, fillRows, h, setValue } from "./dom.js";
import { clock, count, money } from "./format.js";

// The dashboard's windows (the #window select) in ms.
const WINDOW_MS = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

function signing(source) {
	if (source.signing === "not_configured") return h("span", { class: "error" }, "not configured");
	if (source.signing === "unsigned") return h("span", { class: "pill unhandled" }, "unsigned");
	return h("span", { class: "pill" }, source.secrets_set > 1 ? "rotating" : "configured");
}

// Total rejections, and the reason given most often.
export function rejections(rejected) {
	const reasons = Object.entries(rejected).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	return { total: reasons.reduce((n, [, k]) => n + k, 0), top: reasons[0] ?? null };
}

function renderSources(list) {
	fillRows(
		$("#sources"),
		list.data.map((s) => {
			const c = s.counters;
			const { total, top } = rejections(c.rejected);
			const why = top ? `most often ${top[0]} (${count(top[1])} of ${count(total)})` : undefined;
			return h(
				"tr",
				{ dataset: { source: s.name } },
				h("td", { title: s.url }, s.name),
				h("td", {}, s.kind),
				h("td", { dataset: { signing: s.signing } }, signing(s)),
				h("td", { dataset: { value: c.received } }, count(c.received)),
				h("td", { dataset: { value: c.accepted } }, count(c.accepted)),
				h("td", { dataset: { value: c.duplicates } }, count(c.duplicates)),
				h("td", { dataset: { value: total, ...(top ? { topReason: top[0] } : {}) }, title: why }, count(total)),
				h("td", {}, c.last_seen ? clock(Date.parse(c.last_seen)) : "never"),
			);
		}),
		"No sources configured",
	);
}

function renderPayments(payments) {
	setValue($('[data-payments="failures"]'), count(payments.failures), payments.failures);
	const chips = Object.entries(payments.by_currency).map(([currency, t]) =>
		h(
			"span",
			{ class: "chip", dataset: { currency, value: t.amount, failures: t.failures } },
			`${money(t.amount, currency)} · ${count(t.failures)} failed`,
		),
	);
	$("#payments-by-currency").replaceChildren(
		...(chips.length ? chips : [h("span", { class: "muted" }, "No failed payments in this window")]),
	);
}

export async function refreshSources(window) {
	const to = Date.now();
	const span = WINDOW_MS[window] ?? WINDOW_MS["1h"];
	const query = `from=${encodeURIComponent(new Date(to - span).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}&interval=${span > WINDOW_MS["24h"] ? "day" : "hour"}`;
	const [sources, payments] = await Promise.all([api("/api/sources"), api(`/api/analytics/payments?${query}`)]);
	renderSources(sources);
	renderPayments(payments);
}
