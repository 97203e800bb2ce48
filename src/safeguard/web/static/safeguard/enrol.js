// An enrolment link carries its one-time code after '#', which browsers never send to a
// server, so the code is in no access log. This sends it on by POST, and takes it out of the
// address bar and the browser's history first. Without JavaScript, the person pastes the link.
const form = document.querySelector("form[data-enrolment-link]");
const code = window.location.hash.slice(1);
if (form && code) {
  history.replaceState(null, "", window.location.pathname);
  form.elements.link.value = code;
  form.requestSubmit();
}
