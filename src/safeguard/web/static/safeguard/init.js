// Loaded as a module, so only browsers that GOV.UK Frontend supports run it. It replaces the
// inline snippet of the GOV.UK page template, which a Content Security Policy without
// 'unsafe-inline' would block.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initTableScrolling } from "./tables.js";
import { initTimeoutWarning } from "./timeout.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initTableScrolling(document);
initTimeoutWarning(document);
