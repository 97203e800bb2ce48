// Loaded as a module, so only browsers that GOV.UK Frontend supports run it. It replaces the
// inline snippet of the GOV.UK page template, which a Content Security Policy without
// 'unsafe-inline' would block.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
