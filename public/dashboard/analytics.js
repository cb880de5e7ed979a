// The analyst half: /api/analytics/signups, mrr, usage and funnel.
import { api } from "./api.js";
import { timeChart } from "./charts.js";
import { $, h, setValue } from "./dom.js";
import { count, money, number, percent } from "./format.js";

const signupsChart = timeChart($("#chart-signups"), { bars: true, format: number });
const mrrChart = timeChart($("#chart-mrr"), { format: number });
const usageChart = timeChart($("#chart-usage"), { format: number });

const DAY_MS = 86_400_000;
const MAX_FEATURES = 6;

const times = (series) => series.map((p) => Date.parse(p.bucket));
const chips = (entries, label) =>
	entries.map(([name, value]) => h("span", { class: "chip", dataset: { name, value } }, `${name} ${label(value)}`));

function renderSignups(data) {
	setValue($('[data-analytics="signups-total"]'), count(data.total), data.total);
	signupsChart(times(data.series), ["signups"], [data.series.map((p) => p.signups)]);
	const bySource = Object.entries(data.by_source).sort((a, b) => b[1] - a[1]);
	$("#signup-sources").replaceChildren(...chips(bySource, count));
}

function renderMrr(data) {
	const currencies = [...new Set(data.series.flatMap((p) => Object.keys(p.by_currency)))].sort();
	mrrChart(
		times(data.series),
		currencies,
		currencies.map((c) => data.series.map((p) => p.by_currency[c]?.mrr ?? 0)),
	);
	const current = Object.entries(data.current).map(([currency, level]) =>
		h(
			"span",
			{ class: "chip", dataset: { currency, value: level.mrr } },
			`${money(level.mrr, currency)} · ${count(level.subscriptions)} subs`,
		),
	);
	$("#mrr-current").replaceChildren(...(current.length ? current : [h("span", { class: "muted" }, "No paying subscriptions")]));
}

function renderUsage(data) {
	const features = data.features.slice(0, MAX_FEATURES).map((f) => f.feature);
	usageChart(
		times(data.series),
		features,
		features.map((f) => data.series.map((p) => p.by_feature[f] ?? 0)),
	);
	$("#top-users").replaceChildren(
		...data.top_users.map((u) =>
			h("li", { dataset: { user: u.user_id, value: u.quantity } }, h("span", {}, u.user_id), h("strong", {}, number(u.quantity))),
		),
	);
}

function renderFunnel(data) {
	const [signedUp, subscribed] = data.steps;
	const step = (label, users, width) =>
		h(
			"div",
			{ class: "step" },
			h("span", { class: "bar", style: { width: `${width}%` } }),
			h("span", {}, label),
			h("strong", { dataset: { value: users } }, count(users)),
		);
	$("#funnel").replaceChildren(
		step("Signed up", signedUp.users, 100),
		step(`Subscribed within ${data.days} days`, subscribed.users, 100 * (data.conversion_rate || 0)),
		h(
			"p",
			{},
			"Conversion ",
			h("strong", { dataset: { analytics: "funnel-rate", value: data.conversion_rate } }, percent(data.conversion_rate)),
		),
	);
}

// range: "<days>d:<interval>", e.g. "30d:day".
export async function refreshAnalytics(range) {
	const [days, interval] = range.split(":");
	const to = Date.now();
	const from = new Date(to - Number.parseInt(days, 10) * DAY_MS).toISOString();
	const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(to).toISOString())}&interval=${interval}`;
	const [signups, mrr, usage, funnel] = await Promise.all(
		["signups", "mrr", "usage", "funnel"].map((name) => api(`/api/analytics/${name}?${query}`)),
	);
	renderSignups(signups);
	renderMrr(mrr);
	renderUsage(usage);
	renderFunnel(funnel);
	return { signups, mrr, usage, funnel };
}
