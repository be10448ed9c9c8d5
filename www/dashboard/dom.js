// Small DOM helpers shared by the dashboard's modules. Every value is set as text, never as markup.

/** The element with this id (the page's ids are fixed in index.html). @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * A table cell with text.
 * @param {string} text
 * @param {string} [className]
 */
export function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** @param {string} text */
export function heading(text) {
  const h = document.createElement("h3");
  h.textContent = text;
  return h;
}

/**
 * Fills a table with a header row and rows of text: the numbers behind a chart.
 * @param {HTMLElement} table
 * @param {string[]} header
 * @param {(string | number)[][]} rows
 */
export function dataTable(table, header, rows) {
  const head = document.createElement("tr");
  for (const h of header) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  const body = rows.map((r) => {
    const tr = document.createElement("tr");
    for (const v of r) {
      const td = document.createElement("td");
      td.textContent = String(v);
      tr.append(td);
    }
    return tr;
  });
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  tbody.append(...body);
  table.replaceChildren(thead, tbody);
}
