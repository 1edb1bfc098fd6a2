// Print view of the design brief. The widget opens this page with a blob
// URL of the brief (same origin) in the fragment; nothing is uploaded.
const src = decodeURIComponent(location.hash.slice(1));
const img = document.getElementById('sheet');
if (src.startsWith('blob:')) img.src = src;
document.getElementById('print').addEventListener('click', () => window.print());
