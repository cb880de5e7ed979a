// Display formatting. Every value shown also keeps its raw number in
// data-value, so tests and tools read numbers, not text.

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export const count = (n) => (n == null ? "–" : integer.format(n));
export const number = (n) => (n == null ? "–" : decimal.format(n));
export const percent = (share) => (share == null || Number.isNaN(share) ? "–" : `${decimal.format(share * 100)}%`);
export const money = (amount, currency) =>
	new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 2 }).format(amount);

export function duration(ms) {
	if (ms == null) return "–";
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${decimal.format(ms / 1000)} s`;
	if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
	return `${decimal.format(ms / 3_600_000)} h`;
}

export function clock(ms) {
	const d = new Date(ms);
	const today = new Date().toDateString() === d.toDateString();
	return today ? d.toLocaleTimeString("en-GB") : d.toLocaleString("en-GB", { dateStyle: "short", timeStyle: "medium" });
}

export const share = (part, whole) => (whole > 0 ? part / whole : null);
