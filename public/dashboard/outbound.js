// Forwarding and alerts: /api/destinations (success rate, last error, pause,
// resume, replay of failed deliveries) and /api/alerts (active and recent,
// evaluate now).
import { api } from "./api.js";
import { $, fillRows, h, setValue, toast } from "./dom.js";
import { clock, count, percent } from "./format.js";

const STATE_LABEL = { operator: "paused", breaker: "breaker open", gone: "gone (410)" };

function state(d) {
	if (d.paused) return { label: STATE_LABEL[d.paused] ?? d.paused, kind: "paused" };
	if (!d.enabled) return { label: "disabled", kind: "off" };
	return { label: "delivering", kind: "ok" };
}

// Runs an action; the toast shows the text it returns, or `label`.
async function act(label, request, refresh) {
	try {
		const message = await request();
		toast(message ?? label);
	} catch (err) {
		toast(err.message, "error");
	}
	await refresh();
}

const pauseOrResume = (d, refresh) => {
	const resume = d.breaker.status !== "closed";
	const verb = resume ? "resume" : "pause";
	return h(
		"button",
		{
			type: "button",
			class: "secondary",
			dataset: { action: verb },
			onclick: () =>
				act(
					`${d.name} ${resume ? "resumed" : "paused"}`,
					async () => {
						await api(`/api/destinations/${d.id}/${verb}`, { method: "POST" });
					},
					refresh,
				),
		},
		resume ? "Resume" : "Pause",
	);
};

const replayFailed = (d, refresh) =>
	h(
		"button",
		{
			type: "button",
			dataset: { action: "replay" },
			disabled: d.stats.failed === 0,
			onclick: () =>
				act(
					"",
					async () => {
						const result = await api("/api/deliveries/replay", { method: "POST", body: { destination: d.id, limit: 500 } });
						return `Replayed ${result.replayed.length} failed deliveries to ${d.name}${result.next_cursor ? " (more remain)" : ""}`;
					},
					refresh,
				),
		},
		"Replay failed",
	);

function lastError(d) {
	const e = d.stats.last_error;
	if (!e) return h("td", { class: "muted" }, "–");
	const text = `${e.http_status ? `HTTP ${e.http_status}` : (e.error ?? "failed")} · ${clock(e.at)}`;
	return h("td", { class: "error-text", title: e.error ?? "" }, text);
}

function renderDestinations(list, refresh) {
	fillRows(
		$("#destinations"),
		list.map((d) => {
			const s = state(d);
			return h(
				"tr",
				{ dataset: { destination: d.id } },
				h("td", { title: d.url }, d.name),
				h("td", {}, h("span", { class: `pill ${s.kind}` }, s.label)),
				h("td", { dataset: { value: d.stats.success_rate ?? "" }, class: "rate" }, percent(d.stats.success_rate)),
				h("td", { dataset: { value: d.stats.succeeded } }, count(d.stats.succeeded)),
				h("td", { dataset: { value: d.stats.failed } }, count(d.stats.failed)),
				h("td", { dataset: { value: d.stats.held + d.stats.pending } }, count(d.stats.held + d.stats.pending)),
				lastError(d),
				h("td", { class: "actions" }, pauseOrResume(d, refresh), replayFailed(d, refresh)),
			);
		}),
		"No destinations: POST /api/destinations adds one",
	);
}

function renderAlerts(alerts, refresh) {
	setValue($("#alerts-active-count"), alerts.active.length ? `${alerts.active.length} firing` : "none firing", alerts.active.length);
	$("#alerts-channels").textContent = `Slack ${alerts.channels.slack ? "on" : "off"} · webhook ${alerts.channels.webhook ? "on" : "off"}`;
	const active = alerts.active.map((a) =>
		h(
			"tr",
			{ dataset: { alert: a.key, kind: "firing" } },
			h("td", {}, h("span", { class: "pill paused" }, a.clear_since ? "resolving" : "firing")),
			h("td", {}, a.key),
			h("td", { class: "summary" }, a.summary),
			h("td", {}, clock(a.fired_at)),
		),
	);
	const recent = alerts.recent.map((n) =>
		h(
			"tr",
			{ dataset: { alert: n.key, kind: n.kind } },
			h("td", {}, h("span", { class: `pill ${n.kind === "fired" ? "paused" : "ok"}` }, n.kind)),
			h("td", {}, n.key),
			h("td", { class: "summary" }, n.summary),
			h("td", {}, clock(n.at)),
		),
	);
	fillRows($("#alerts"), [...active, ...recent], "No alerts yet");
	$("#evaluate").onclick = () =>
		act(
			"",
			async () => {
				const report = await api("/api/alerts/evaluate", { method: "POST" });
				return `Evaluated: ${report.results.filter((r) => r.status === "firing").length} firing, ${report.notifications.length} sent`;
			},
			refresh,
		);
}

export async function refreshOutbound() {
	const [destinations, alerts] = await Promise.all([api("/api/destinations"), api("/api/alerts?limit=10")]);
	const refresh = () => refreshOutbound();
	renderDestinations(destinations.data, refresh);
	renderAlerts(alerts, refresh);
}
