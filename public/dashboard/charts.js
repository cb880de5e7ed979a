// Time-series charts on uPlot (vendored, see scripts/dashboard/vendor.ts).
// A chart is rebuilt when its series change and resized with its container.

const PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];
const HEIGHT = 200;

function padHalfStep(u, min, max) {
	const xs = u.data[0];
	const step = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) : 60;
	return [min - step / 2, max + step / 2];
}

export function timeChart(container, { bars = false, format = (v) => v } = {}) {
	let plot = null;
	let labels = "";
	const width = () => Math.max(240, container.clientWidth);
	new ResizeObserver(() => plot?.setSize({ width: width(), height: HEIGHT })).observe(container);

	const build = (names, data) => {
		plot?.destroy();
		const series = names.map((label, i) => ({
			label,
			stroke: PALETTE[i % PALETTE.length],
			fill: bars ? `${PALETTE[i % PALETTE.length]}99` : undefined,
			width: bars ? 0 : 2,
			points: { show: false },
			paths: bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined,
			value: (_u, v) => (v == null ? "–" : format(v)),
		}));
		plot = new uPlot(
			{
				width: width(),
				height: HEIGHT,
				series: [{}, ...series],
				scales: {
					// Bars are centred on their bucket: pad half a bucket each side so the edge ones show.
					x: { time: true, range: bars ? padHalfStep : undefined },
					y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
				},
				axes: [{}, { size: 56, values: (_u, ticks) => ticks.map(format) }],
				legend: { live: true },
				cursor: { points: { size: 6 } },
			},
			data,
			container,
		);
	};

	// times in ms; columns: one array of values per series name.
	return function update(times, names, columns) {
		const data = [times.map((t) => t / 1000), ...columns];
		const key = names.join("\u0000");
		if (!plot || key !== labels) {
			labels = key;
			build(names, data);
		} else {
			plot.setData(data);
		}
	};
}
