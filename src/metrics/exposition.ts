import type { Histogram } from "./histogram";

// Prometheus text exposition format, version 0.0.4.
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface Sample {
	labels?: Record<string, string>;
	value: number;
	// Appended to the family name (histograms: _bucket, _sum, _count).
	suffix?: string;
}

export interface MetricFamily {
	name: string;
	help: string;
	type: "counter" | "gauge" | "histogram";
	samples: Sample[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(v: number): string {
	if (Number.isNaN(v)) return "NaN";
	if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
	return String(v);
}

export function render(families: readonly MetricFamily[]): string {
	const lines: string[] = [];
	for (const f of families) {
		lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
		for (const s of f.samples) {
			const labels = Object.entries(s.labels ?? {});
			const labelText = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
			lines.push(`${f.name}${s.suffix ?? ""}${labelText} ${formatValue(s.value)}`);
		}
	}
	return `${lines.join("\n")}\n`;
}

// A histogram recorded in milliseconds, exposed in seconds (Prometheus' base unit).
export function histogramFamily(name: string, help: string, h: Histogram): MetricFamily {
	const seconds = (ms: number) => ms / 1000;
	return {
		name,
		help,
		type: "histogram",
		samples: [
			...h.buckets.map((b) => ({ suffix: "_bucket", labels: { le: String(seconds(b.le)) }, value: b.count })),
			{ suffix: "_bucket", labels: { le: "+Inf" }, value: h.count },
			{ suffix: "_sum", value: seconds(h.sum) },
			{ suffix: "_count", value: h.count },
		],
	};
}

export const single = (name: string, help: string, type: "counter" | "gauge", value: number): MetricFamily => ({
	name,
	help,
	type,
	samples: [{ value }],
});
