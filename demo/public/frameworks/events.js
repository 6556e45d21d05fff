// Lists the element's spotnana-* events under the embed (they bubble and are composed).
const list = document.querySelector('[data-events]');
for (const type of ['spotnana-load', 'spotnana-token-request', 'spotnana-token-sent', 'spotnana-error']) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.dataset.event = type;
    item.textContent = `${type} ${type === 'spotnana-error' ? `${event.detail.code}: ${event.detail.message}` : JSON.stringify(event.detail)}`;
    list.append(item);
  });
}
