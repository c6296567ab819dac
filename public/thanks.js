// After the thank-you, the tablet goes by itself to the next-voter screen.
const next = document.getElementById('next-voter')
if (next) setTimeout(() => { window.location.replace(next.href) }, Number(next.dataset.after) * 1000)
