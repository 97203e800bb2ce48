// The GOV.UK conditional reveal for radios, without `aria-expanded` on the radio: ARIA does
// not allow it on a radio (axe's aria-allowed-attr), and GOV.UK Frontend keeps it by design
// (alphagov/govuk-frontend#979). A radio with `data-safeguard-reveal="<id>"` shows the block
// with that id while it is checked. Without JavaScript every block stays shown (GOV.UK
// Frontend's CSS hides them only once its script has run), so the form works without it.
// See docs/decisions/0013-the-chair-at-the-meeting.md.
const radios = document.querySelectorAll("input[type=radio][data-safeguard-reveal]");
const groups = new Set();

function sync(name) {
  for (const input of document.querySelectorAll("input[type=radio][data-safeguard-reveal]")) {
    if (input.name !== name) continue;
    const block = document.getElementById(input.dataset.safeguardReveal);
    if (block) block.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  }
}

// No `aria-controls` either: GOV.UK Frontend's radios script, on every click, adds
// `aria-expanded` to any radio whose `aria-controls` names a conditional block. The block
// follows its radio directly, so it is next in the reading order.
for (const input of radios) {
  groups.add(input.name);
}
for (const name of groups) {
  for (const input of document.querySelectorAll(`input[type=radio][name="${name}"]`)) {
    input.addEventListener("change", () => sync(name));
  }
  sync(name);
}
