// Every htmx request carries the page's CSRF token, so buttons outside forms are protected too.
document.addEventListener('htmx:config:request', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')
  if (token && event.detail?.ctx?.request?.headers) event.detail.ctx.request.headers['X-CSRF-Token'] = token
})
