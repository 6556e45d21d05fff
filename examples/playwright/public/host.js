// The page's own script (a file of its own: the page's CSP allows no inline script). It shows
// the user what the travel frame reports, and lists each spotnana-* event with its time, so
// that the tests can see what the host saw. Events bubble from <spotnana-embed> to document.
const status = document.querySelector('#travel-status');
const events = document.querySelector('#events');

function record(type, detail) {
  const item = document.createElement('li');
  item.dataset.event = type;
  item.dataset.at = String(Math.round(performance.now()));
  if (typeof detail.prefetched === 'boolean') item.dataset.prefetched = String(detail.prefetched);
  if (detail.code) item.dataset.code = `${detail.source} ${detail.code}${detail.status ? ` ${detail.status}` : ''}`;
  item.textContent = detail.code ? `${type}: ${item.dataset.code}` : type;
  events.append(item);
}

for (const type of ['spotnana-load', 'spotnana-token-request', 'spotnana-token-sent', 'spotnana-error']) {
  document.addEventListener(type, (event) => record(type, event.detail ?? {}));
}
document.addEventListener('spotnana-token-sent', () => {
  status.textContent = 'Travel is ready.';
});
document.addEventListener('spotnana-error', (event) => {
  status.textContent = `Travel is unavailable right now (${event.detail.code}).`;
});
document.querySelector('#reload-travel').addEventListener('click', () => {
  status.textContent = 'Loading travel…';
  document.querySelector('spotnana-embed').reload();
});
