// The demo's page behaviour, on every page: the widget language switch, the note shown
// when a demo limit is hit, and where a page goes once its widget is done.

// Language: every <phone-verify> on the page follows the switch at once; a cookie
// carries the choice to the next page (the server renders it, so nothing flashes).
const select = document.getElementById('demo-lang');
select?.addEventListener('change', () => {
  for (const element of document.querySelectorAll('phone-verify')) element.setAttribute('lang', select.value);
  document.cookie = `demo_lang=${encodeURIComponent(select.value)}; path=/; max-age=31536000; samesite=lax`;
});

// A send limit: the widget says "try again in …"; the note says why, and how to reset it.
// Its text is put into a live region that is already there, so a screen reader reads it.
const note = document.getElementById('limit-note');
document.addEventListener('phone-verify-error', (event) => {
  if (note && event.detail?.code === 'rate_limited') note.textContent = note.dataset.note ?? '';
});
document.addEventListener('phone-verify-sent', () => {
  if (note) note.textContent = '';
});

// link and stepup: back to where the page says (the server checked that address).
document.addEventListener('phone-verify-success', (event) => {
  const done = event.target instanceof Element ? event.target.getAttribute('data-done') : null;
  if (done) location.assign(done);
});

// A refused sign-up says why at the top of the form: focus it so it is read first.
document.getElementById('signup-error')?.focus();
