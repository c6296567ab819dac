// The print button of a sheet meant for paper: shown only where a script can press the browser's own
// Print (without scripts, the browser's menu still prints the page as it is).
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
