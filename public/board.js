// On a TV left showing the board, the cards bring themselves up to date every two minutes: the page is fetched
// again and its cards put in place of these (a few lines, where htmx would add 12 KB to a page needing nothing else).
setInterval(async () => {
  try {
    const res = await fetch(location.href, { headers: { accept: 'text/html' } })
    if (!res.ok) return
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('board-cards')
    const cards = document.getElementById('board-cards')
    if (fresh && cards) cards.replaceWith(fresh)
  } catch {
    // The Wi-Fi dropped for a moment: the next turn tries again.
  }
}, 120_000)
