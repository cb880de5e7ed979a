// The operator half: /api/stats, /api/events and /api/dead-letters.
import { api } from "./api.js";
import { timeChart } from "./charts.js";
import { $, fillRows, h, setValue, toast } from "./dom.js";
import { clock, count, duration, number, percent, share } from "./format.js";

const throughputChart = timeChart($("#chart-throughput"), { bars: true, format: number });
const latencyChart = timeChart($("#chart-latency"), { format: duration });

// /api/stats gives latency percentiles for the whole window, so the chart
// keeps one sample per refresh (per window, for this tab).
const HISTORY_LIMIT = 360;
function latencyHistory(window, stats) {
	const key = `pipeline.latency.${window}`;
	const history = JSON.parse(sessionStorage.getItem(key) ?? "[]");
	if (stats.latency_ms.count > 0) history.push([stats.until, stats.latency_ms.p50, stats.latency_ms.p95, stats.latency_ms.p99]);
	const kept = history.slice(-HISTORY_LIMIT);
	sessionStorage.setItem(key, JSON.stringify(kept));
	return kept;
}

const kpi = (name) => document.querySelector(`[data-kpi="${name}"]`);
const note = (name) => document.querySelector(`[data-kpi-note="${name}"]`);

function renderStats(window, stats) {
	const settled = stats.processed + stats.unhandled + stats.dead_lettered;
	setValue(kpi("received"), count(stats.received.total), stats.received.total);
	note("received").textContent =
		`${count(stats.received.accepted)} accepted · ${count(stats.received.duplicates)} dup · ${count(stats.received.rejected)} rejected`;
	setValue(kpi("processed"), count(stats.processed), stats.processed);
	note("processed").textContent = `${count(stats.unhandled)} unhandled`;
	setValue(kpi("dead_lettered"), count(stats.dead_lettered), stats.dead_lettered);
	setValue(kpi("backlog"), count(stats.backlog.pending), stats.backlog.pending);
	note("backlog").textContent =
		stats.backlog.oldest_pending_age_ms == null ? "nothing retrying" : `oldest ${duration(stats.backlog.oldest_pending_age_ms)}`;
	setValue(kpi("p50"), duration(stats.latency_ms.p50), stats.latency_ms.p50);
	setValue(kpi("p95_p99"), `${duration(stats.latency_ms.p95)} / ${duration(stats.latency_ms.p99)}`, stats.latency_ms.p99);
	note("max").textContent = `max ${duration(stats.latency_ms.max)}`;
	setValue(kpi("failure_rate"), percent(share(stats.dead_lettered, settled)), share(stats.dead_lettered, settled));
	const retried = share(stats.retries.after_retry, stats.retries.first_try + stats.retries.after_retry);
	setValue(kpi("retry_rate"), percent(retried), retried);

	const series = stats.throughput.series;
	throughputChart(
		series.map((p) => p.t),
		["events/min"],
		[series.map((p) => p.per_minute)],
	);
	const history = latencyHistory(window, stats);
	latencyChart(
		history.map((s) => s[0]),
		["p50", "p95", "p99"],
		[1, 2, 3].map((i) => history.map((s) => s[i])),
	);

	const total = stats.by_type.reduce((n, t) => n + t.processed + t.unhandled + t.dead_lettered, 0);
	fillRows(
		$("#type-mix"),
		stats.by_type.map((t) => {
			const all = t.processed + t.unhandled + t.dead_lettered;
			return h(
				"tr",
				{ dataset: { type: t.event_type } },
				h("td", {}, t.event_type),
				h("td", { dataset: { value: t.processed } }, count(t.processed)),
				h("td", { dataset: { value: t.unhandled } }, count(t.unhandled)),
				h("td", { dataset: { value: t.dead_lettered } }, count(t.dead_lettered)),
				h(
					"td",
					{ class: "bar-col" },
					h("span", { class: "bar", style: { width: `${(100 * all) / Math.max(1, total)}%` } }),
					percent(share(all, total)),
				),
			);
		}),
		"No events in this window",
	);
}

function renderEvents(page) {
	fillRows(
		$("#latest-events"),
		page.data.map((e) =>
			h(
				"tr",
				{ dataset: { eventId: e.event_id } },
				h("td", {}, clock(e.occurred_at)),
				h("td", {}, e.event_type),
				h("td", {}, e.user_id ?? "–"),
				h("td", {}, h("span", { class: `pill ${e.status}` }, e.status)),
				h("td", {}, duration(e.latency_ms)),
				h("td", {}, e.attempts),
			),
		),
		"No events stored yet",
	);
}

async function resolve(letter, action, refresh) {
	const verb = action === "replay" ? "replayed" : "discarded";
	if (action === "discard" && !confirm(`Discard dead letter ${letter.id} (${letter.event_id})? It stays recorded as discarded.`)) return;
	try {
		await api(`/api/dead-letters/${letter.id}${action === "replay" ? "/replay" : ""}`, { method: action === "replay" ? "POST" : "DELETE" });
		toast(`Dead letter ${letter.id} ${verb}`);
	} catch (err) {
		toast(err.message, "error");
	}
	await refresh();
}

function renderDeadLetters(page, refresh) {
	$("#dead-letter-count").textContent = page.data.length ? `${count(page.data.length)}${page.next_cursor ? "+" : ""} open` : "";
	fillRows(
		$("#dead-letters"),
		page.data.map((d) =>
			h(
				"tr",
				{ dataset: { deadLetter: d.id } },
				h("td", {}, d.id),
				h("td", {}, d.event_type ?? "–"),
				h("td", { class: "error-text", title: d.error }, d.error),
				h("td", {}, d.attempts),
				h("td", {}, clock(d.failed_at)),
				h(
					"td",
					{ class: "actions" },
					h("button", { type: "button", dataset: { action: "replay" }, onclick: () => resolve(d, "replay", refresh) }, "Replay"),
					h(
						"button",
						{ type: "button", class: "secondary", dataset: { action: "discard" }, onclick: () => resolve(d, "discard", refresh) },
						"Discard",
					),
				),
			),
		),
		"No open dead letters",
	);
}

export async function refreshOps(window) {
	const [stats, events, deadLetters] = await Promise.all([
		api(`/api/stats?window=${encodeURIComponent(window)}`),
		api("/api/events?limit=15"),
		api("/api/dead-letters?status=open&limit=20"),
	]);
	renderStats(window, stats);
	renderEvents(events);
	renderDeadLetters(deadLetters, () => refreshOps(window));
}
