// Tiny DOM helpers. Text always goes in as textContent: event types, errors
// and user ids come from webhook senders and are never parsed as HTML.

export function h(tag, attrs = {}, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs)) {
		if (value == null || value === false) continue;
		if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
		else if (name === "dataset") Object.assign(node.dataset, value);
		else if (name === "style") Object.assign(node.style, value);
		else node.setAttribute(name, value === true ? "" : String(value));
	}
	node.append(
		...children
			.flat()
			.filter((c) => c != null)
			.map((c) => (c instanceof Node ? c : String(c))),
	);
	return node;
}

export const $ = (selector) => document.querySelector(selector);

// Shows a value and keeps the raw number beside it.
export function setValue(node, text, raw) {
	node.textContent = text;
	if (raw === undefined || raw === null) delete node.dataset.value;
	else node.dataset.value = String(raw);
}

export function fillRows(table, rows, empty) {
	const body = table.tBodies[0];
	const columns = table.tHead.rows[0].cells.length;
	body.replaceChildren(...(rows.length ? rows : [h("tr", { class: "empty" }, h("td", { colspan: columns }, empty))]));
}

let toastTimer;
export function toast(message, kind = "ok") {
	const node = $("#toast");
	node.textContent = message;
	node.dataset.kind = kind;
	node.hidden = false;
	clearTimeout(toastTimer);
	toastTimer = setTimeout(() => (node.hidden = true), 4000);
}
