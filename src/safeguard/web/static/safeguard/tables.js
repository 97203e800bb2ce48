// A table wider than the screen (a phone, or 200% zoom) scrolls inside its own container, so the
// page itself never scrolls sideways (WCAG 1.4.10 Reflow). Every page inherits this, new ones
// included. A container that scrolls can be reached and scrolled with the keyboard: it takes
// focus and is named after the table. Without JavaScript, safeguard.css makes narrow screens'
// tables scroll on their own.

function tableName(table) {
  const caption = table.querySelector("caption");
  if (caption) return caption.textContent.trim();
  const labelledBy = table.getAttribute("aria-labelledby");
  const label = labelledBy && document.getElementById(labelledBy);
  if (label) return label.textContent.trim();
  if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
  const heading = document.querySelector("main h1");
  return heading ? heading.textContent.trim() : "Table";
}

function markScrolling(container) {
  const scrolls = container.scrollWidth > container.clientWidth + 1;
  if (scrolls) {
    container.setAttribute("tabindex", "0");
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", `${container.dataset.tableName} (scroll sideways to see it all)`);
  } else {
    container.removeAttribute("tabindex");
    container.removeAttribute("role");
    container.removeAttribute("aria-label");
  }
}

export function initTableScrolling(root) {
  const containers = [];
  for (const table of root.querySelectorAll("main table")) {
    if (table.parentElement.classList.contains("safeguard-table-scroll")) continue;
    const container = document.createElement("div");
    container.className = "safeguard-table-scroll";
    container.dataset.tableName = tableName(table);
    table.before(container);
    container.append(table);
    containers.push(container);
  }
  const update = () => containers.forEach(markScrolling);
  update();
  window.addEventListener("resize", update);
}
