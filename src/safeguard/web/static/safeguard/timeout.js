// GOV.UK's time-out warning (WCAG 2.2.1 Timing Adjustable): a modal dialog opens a little before
// the idle time-out (templates/web/includes/timeout_warning.html gives both times), takes focus,
// counts down, and "Stay signed in" keeps the session without reloading the page. Unanswered, the
// page signs out and the sign-in page brings the person back to it, saying which fields' changes
// were lost. Every tab of the service shares the time of the last activity (localStorage), so a
// page opened in another tab keeps this one's warning away too.

const LAST_ACTIVE_KEY = "safeguard-session-last-active-at";

function remember(time) {
  try {
    window.localStorage.setItem(LAST_ACTIVE_KEY, String(time));
  } catch {
    // Storage refused (private browsing): this tab counts on its own.
  }
}

function lastActiveElsewhere() {
  try {
    return Number(window.localStorage.getItem(LAST_ACTIVE_KEY)) || 0;
  } catch {
    return 0;
  }
}

function inWords(milliseconds) {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

// The question a changed field answers: its legend for dates, radios and checkboxes.
function fieldName(field) {
  const grouped = field.type === "radio" || field.type === "checkbox" || field.closest(".govuk-date-input");
  const legend = grouped && field.closest("fieldset")?.querySelector("legend");
  const label = legend || field.labels?.[0];
  return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
}

export function initTimeoutWarning(doc) {
  const dialog = doc.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const timeout = Number(dialog.dataset.timeoutSeconds) * 1000;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector(".safeguard-timeout__countdown");
  const announce = dialog.querySelector(".safeguard-timeout__announce");
  const extendForm = dialog.querySelector(".safeguard-timeout__extend");
  const endForm = dialog.querySelector(".safeguard-timeout__end");
  const changed = new Set();
  let activeAt = Date.now();
  let focusBefore = null;
  let announced = "";
  let ending = false;
  remember(activeAt);

  doc.addEventListener("input", (event) => {
    const field = event.target;
    if (field.form && field.form !== extendForm && field.closest("main")) {
      const name = fieldName(field);
      if (name) changed.add(name);
    }
  });

  function open() {
    focusBefore = doc.activeElement;
    announced = "";
    dialog.showModal();
    dialog.querySelector("h2").focus();
  }

  function close() {
    dialog.close();
    if (focusBefore && typeof focusBefore.focus === "function") focusBefore.focus();
  }

  function end() {
    if (ending) return;
    ending = true;
    for (const name of changed) {
      const input = doc.createElement("input");
      input.type = "hidden";
      input.name = "unsaved";
      input.value = name;
      endForm.append(input);
    }
    endForm.submit();
  }

  function tick() {
    const left = Math.max(activeAt, lastActiveElsewhere()) + timeout - Date.now();
    if (left <= 0) {
      end();
    } else if (left <= warning) {
      if (!dialog.open) open();
      const words = inWords(left);
      countdown.textContent = words;
      // Screen readers hear the time left each minute, then every 20 seconds of the last one.
      const toAnnounce = left >= 60000 ? words : inWords(Math.ceil(left / 20000) * 20000);
      if (toAnnounce !== announced) {
        announced = toAnnounce;
        announce.textContent = `We will sign you out in ${toAnnounce}`;
      }
    } else if (dialog.open) {
      close(); // kept signed in from another tab
    }
  }

  async function stay() {
    try {
      const response = await fetch(extendForm.action, {
        method: "POST",
        body: new FormData(extendForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("application/json")) return end();
      activeAt = Date.now();
      remember(activeAt);
      close();
    } catch {
      end(); // the server could not be reached: the form's plain post is the fallback
    }
  }

  extendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  // Escape closes GOV.UK's warning and keeps the person signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  window.setInterval(tick, 1000);
}
