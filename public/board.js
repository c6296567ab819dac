// The children's board, left showing on a TV. Two things, without htmx (a few lines, where htmx would add 12 KB
// to a page needing nothing else):
// - every two minutes the page is fetched again and its cards put in place of these;
// - on a wide screen (a TV: 1,600 px and more) the cards are shown a screenful at a time and turn by themselves
//   every `data-turn-seconds`, so nobody has to scroll; a phone or tablet scrolls as usual. The turn fades in
//   unless the viewer asked for less motion (the CSS leaves the animation out then), and a button stops the
//   turning for whoever wants to read a page at leisure (and starts it again).
const wide = matchMedia('(min-width: 1600px)')
let pages = []
let shown = 0
let timer = 0
let paused = false

/** Groups the cards into pages of whole rows that fit the room the list has on screen. */
function paginate() {
  clearTimeout(timer)
  const list = document.getElementById('board-cards')
  const pager = document.getElementById('board-pager')
  const paged = Boolean(list && wide.matches && list.children.length > 0)
  document.documentElement.classList.toggle('board-paged', paged)
  if (!list) return
  const cards = [...list.children]
  for (const card of cards) card.hidden = false
  pages = []
  if (!paged) {
    if (pager) pager.hidden = true
    return
  }
  if (pager) pager.hidden = false
  const room = list.clientHeight
  let page = []
  let top = 0
  for (const card of cards) {
    // Cards in one row share their top; a row that would reach past the room starts a new page.
    const bottom = card.offsetTop + card.offsetHeight
    if (page.length > 0 && card.offsetTop !== page.at(-1).offsetTop && bottom - top > room) {
      pages.push(page)
      page = []
    }
    if (page.length === 0) top = card.offsetTop
    page.push(card)
  }
  pages.push(page)
  if (pager) {
    const dots = pager.querySelector('.board-dots')
    dots.replaceChildren(...pages.map(() => document.createElement('li')))
    pager.hidden = pages.length < 2
  }
  show(Math.min(shown, pages.length - 1))
}

/** Shows one page of cards, marks its dot, and sets the next turn. */
function show(n) {
  const list = document.getElementById('board-cards')
  if (!list || pages.length === 0) return
  shown = n % pages.length
  pages.forEach((page, i) => {
    for (const card of page) card.hidden = i !== shown
  })
  list.dataset.page = String(shown + 1)
  list.dataset.pages = String(pages.length)
  list.classList.remove('board-turn')
  void list.offsetWidth // so that the fade starts again
  list.classList.add('board-turn')
  document.querySelectorAll('#board-pager .board-dots li').forEach((dot, i) => {
    dot.classList.toggle('current', i === shown)
  })
  turnLater()
}

/** The next turn, unless there is one page only or the turning is stopped. */
function turnLater() {
  clearTimeout(timer)
  const list = document.getElementById('board-cards')
  if (!list || paused || pages.length < 2) return
  const seconds = Number(list.dataset.turnSeconds) || 15
  timer = setTimeout(() => show(shown + 1), seconds * 1000)
}

const pause = document.getElementById('board-pause')
pause?.addEventListener('click', () => {
  paused = !paused
  pause.textContent = paused ? pause.dataset.play : pause.dataset.pause
  turnLater()
})

let resized = 0
addEventListener('resize', () => {
  clearTimeout(resized)
  resized = setTimeout(paginate, 200)
})
wide.addEventListener('change', paginate)
document.fonts?.ready.then(paginate)
paginate()

setInterval(async () => {
  try {
    const res = await fetch(location.href, { headers: { accept: 'text/html' } })
    if (!res.ok) return
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('board-cards')
    const cards = document.getElementById('board-cards')
    if (fresh && cards) {
      cards.replaceWith(fresh)
      paginate()
    }
  } catch {
    // The Wi-Fi dropped for a moment: the next turn tries again.
  }
}, 120_000)
