// A clinic page that embeds embed.html in an iframe (src from ?embed=…) and
// talks to it over postMessage. Served to tests only, under /__tests/.
window.events = [];
window.results = {};
addEventListener('message', (e) => {
  if (e.data?.type === 'hv:event') window.events.push({ origin: e.origin, name: e.data.name, detail: e.data.detail });
  if (e.data?.type === 'hv:result') window.results[e.data.id] = e.data;
});
window.send = (id, method, args) => {
  const frame = document.getElementById('f');
  frame.contentWindow.postMessage({ type: 'hv:command', id, method, args }, new URL(frame.src).origin);
};
addEventListener('DOMContentLoaded', () => {
  document.getElementById('f').src = new URLSearchParams(location.search).get('embed');
});
