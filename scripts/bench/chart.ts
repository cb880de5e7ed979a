// A hand-written SVG line chart: latency (log scale) against offered rate
// (log scale, since the ladder doubles). No dependencies, diffable output.

export interface Series {
	label: string;
	color: string;
	dashed?: boolean;
	points: { x: number; y: number | null }[];
}

export interface ChartSpec {
	title: string;
	xLabel: string;
	yLabel: string;
	series: Series[];
	thresholds?: { y: number; label: string }[];
}

const WIDTH = 760;
const HEIGHT = 440;
const PAD = { left: 70, right: 190, top: 40, bottom: 50 };

export function escapeXml(text: string): string {
	return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

// 1-2-5 ticks covering [min, max] on a log scale.
export function logTicks(min: number, max: number): number[] {
	const ticks: number[] = [];
	for (let decade = 10 ** Math.floor(Math.log10(min)); decade <= max * 10 && ticks.length < 40; decade *= 10) {
		for (const m of [1, 2, 5]) {
			const t = decade * m;
			if (t >= min && t <= max) ticks.push(Number(t.toPrecision(6)));
		}
	}
	return ticks;
}

function logScale(min: number, max: number, from: number, to: number) {
	const [a, b] = [Math.log10(min), Math.log10(max)];
	return (v: number) => from + ((Math.log10(v) - a) / (b - a || 1)) * (to - from);
}

const fmt = (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v));

export function renderChart(spec: ChartSpec): string {
	const points = spec.series.flatMap((s) => s.points).filter((p): p is { x: number; y: number } => p.y !== null && p.y > 0);
	const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
	const ys = [...points.map((p) => p.y), ...(spec.thresholds ?? []).map((t) => t.y)];
	const xMin = (xs[0] ?? 1) / 1.25;
	const xMax = (xs.at(-1) ?? 10) * 1.25;
	const yMin = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...ys, 1))));
	const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
	const x = logScale(xMin, xMax, PAD.left, WIDTH - PAD.right);
	const y = logScale(yMin, yMax, HEIGHT - PAD.bottom, PAD.top);
	const plotRight = WIDTH - PAD.right;

	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
		`<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
		`<text x="${WIDTH / 2 - PAD.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(spec.title)}</text>`,
	];
	for (const t of logTicks(yMin, yMax)) {
		out.push(
			`<line x1="${PAD.left}" x2="${plotRight}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`,
			`<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmt(t)}</text>`,
		);
	}
	for (const v of xs) {
		out.push(
			`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#f3f3f3"/>`,
			`<text x="${x(v).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" fill="#555">${fmt(v)}</text>`,
		);
	}
	out.push(
		`<rect x="${PAD.left}" y="${PAD.top}" width="${plotRight - PAD.left}" height="${HEIGHT - PAD.top - PAD.bottom}" fill="none" stroke="#999"/>`,
		`<text x="${(PAD.left + plotRight) / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
		`<text transform="translate(18 ${(PAD.top + HEIGHT - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
	);
	for (const t of spec.thresholds ?? []) {
		out.push(
			`<line x1="${PAD.left}" x2="${plotRight}" y1="${y(t.y).toFixed(1)}" y2="${y(t.y).toFixed(1)}" stroke="#c00" stroke-dasharray="2 4"/>`,
			`<text x="${plotRight - 4}" y="${(y(t.y) - 4).toFixed(1)}" text-anchor="end" fill="#c00">${escapeXml(t.label)}</text>`,
		);
	}
	spec.series.forEach((s, i) => {
		const drawn = s.points.filter((p): p is { x: number; y: number } => p.y !== null && p.y > 0).sort((a, b) => a.x - b.x);
		const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
		if (drawn.length > 1) {
			const path = drawn.map((p, j) => `${j ? "L" : "M"}${x(p.x).toFixed(1)} ${y(p.y).toFixed(1)}`).join(" ");
			out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
		}
		for (const p of drawn) out.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
		const ly = PAD.top + 10 + i * 20;
		out.push(
			`<line x1="${plotRight + 14}" x2="${plotRight + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
			`<text x="${plotRight + 46}" y="${ly + 4}">${escapeXml(s.label)}</text>`,
		);
	});
	out.push("</svg>");
	return `${out.join("\n")}\n`;
}
