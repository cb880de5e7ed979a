// Dashboard bootstrap: ask for the admin token once (session storage), then
// refresh the operator view every few seconds and analytics every minute,
// pausing while the tab is hidden.

import { refreshAnalytics } from "./analytics.js";
import { token, Unauthorized } from "./api.js";
import { $ } from "./dom.js";
import { clock } from "./format.js";
import { refreshOps } from "./ops.js";
import { refreshOutbound } from "./outbound.js";
import { refreshSources } from "./sources.js";

const OPS_EVERY_MS = 5_000;
const ANALYTICS_EVERY_MS = 60_000;

let opsTimer;
let analyticsTimer;
let sourcesTimer;

function showLogin(message = "") {
	clearTimeout(opsTimer);
	clearTimeout(analyticsTimer);
	clearTimeout(sourcesTimer);
	$("#dashboard").hidden = true;
	$("#controls").hidden = true;
	$("#login").hidden = false;
	$("#login-error").textContent = message;
	$("#token").focus();
}

// Runs job now and then every `every` ms while the tab is visible.
function loop(job, every, setTimer) {
	const tick = async () => {
		if (!document.hidden) await job();
		setTimer(setTimeout(tick, every));
	};
	return tick();
}

async function guarded(job) {
	try {
		await job();
		$("#banner").hidden = true;
		$("#updated").textContent = `Updated ${clock(Date.now())}`;
		document.body.dataset.loaded = "true";
	} catch (err) {
		if (err instanceof Unauthorized) {
			token.clear();
			showLogin(err.message);
			throw err;
		}
		$("#banner").textContent = `Refresh failed: ${err.message}`;
		$("#banner").hidden = false;
	}
}

const refreshOpsNow = () => guarded(() => Promise.all([refreshOps($("#window").value), refreshOutbound()]));
const refreshAnalyticsNow = () => guarded(() => refreshAnalytics($("#analytics-range").value));
const refreshSourcesNow = () => guarded(() => refreshSources($("#window").value));

function start() {
	$("#login").hidden = true;
	$("#dashboard").hidden = false;
	$("#controls").hidden = false;
	loop(refreshOpsNow, OPS_EVERY_MS, (t) => (opsTimer = t)).catch(() => {});
	loop(refreshAnalyticsNow, ANALYTICS_EVERY_MS, (t) => (analyticsTimer = t)).catch(() => {});
	loop(refreshSourcesNow, OPS_EVERY_MS, (t) => (sourcesTimer = t)).catch(() => {});
}

$("#login").addEventListener("submit", (event) => {
	event.preventDefault();
	token.set($("#token").value.trim());
	$("#token").value = "";
	start();
});
$("#sign-out").addEventListener("click", () => {
	token.clear();
	showLogin();
});
$("#window").addEventListener("change", refreshOpsNow);
$("#analytics-range").addEventListener("change", refreshAnalyticsNow);
$("#window").addEventListener("change", refreshSourcesNow);
document.addEventListener("visibilitychange", () => {
	if (!document.hidden && token.get()) refreshOpsNow();
});
document.addEventListener("visibilitychange", () => {
	if (!document.hidden && token.get()) refreshSourcesNow();
});

if (token.get()) start();
else showLogin();
