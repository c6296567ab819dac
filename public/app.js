// Every htmx request carries the page's CSRF token, so buttons outside forms are protected too.
document.addEventListener('htmx:config:request', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')
  if (token && event.detail?.ctx?.request?.headers) event.detail.ctx.request.headers['X-CSRF-Token'] = token
})

// The rest in its own scope: the pages' other scripts share the global one.
;(() => {
  // The words this script shows, from the dictionaries (views/partials/_client-words.eta).
  const words = (() => {
    try {
      return JSON.parse(document.querySelector('meta[name="client-words"]')?.getAttribute('content') ?? '{}')
    } catch {
      return {}
    }
  })()
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''

  // ---------------------------------------------------------------------------------------------------
  // A refused form's error summary (views/partials/_form-error.eta) is brought into view and focused, on a
  // page that comes back with it and when htmx swaps a refused form in: on a phone the form's top is
  // otherwise far above, and the page looks as if nothing happened.
  function showErrorSummary() {
    const summary = document.querySelector('[data-error-summary]:not([data-shown])')
    if (!summary) return
    // A page hidden while it waits for the Devanagari font (font-wait.js) takes no focus: once it is shown.
    const html = document.documentElement
    if (html.classList.contains('font-wait')) {
      const shown = new MutationObserver(() => {
        if (html.classList.contains('font-wait')) return
        shown.disconnect()
        showErrorSummary()
      })
      shown.observe(html, { attributes: true, attributeFilter: ['class'] })
      return
    }
    summary.dataset.shown = 'yes'
    summary.scrollIntoView({ block: 'start' })
    summary.focus({ preventScroll: true })
  }
  showErrorSummary()
  // after:swap comes once htmx has settled the new content (and moved any autofocus), so the summary keeps the focus.
  document.addEventListener('htmx:after:swap', showErrorSummary)
  document.addEventListener('htmx:after:settle', showErrorSummary)

  // A link in the summary focuses its field and shows the field's label with it, not just the input.
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('[data-error-summary] a[href^="#"]') : null
    const field = link && document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)))
    if (!field) return
    event.preventDefault()
    ;(field.closest('.field, fieldset') ?? field).scrollIntoView({ block: 'start' })
    field.focus({ preventScroll: true })
  })

  // ---------------------------------------------------------------------------------------------------
  // An action that could not be sent says so where it was made, never vanishing silently. A form marked
  // data-queue (the attendance taps) is kept in this browser and sent again until the server has it; any
  // other htmx action says "not sent, press again", and a plain form is not sent while the phone is offline.
  function sayNotSent(element, text = words.notSent) {
    const anchor = element.closest('form') ?? element
    let note = anchor.nextElementSibling
    if (!note?.classList.contains('send-state')) {
      note = document.createElement('p')
      note.className = 'send-state refused'
      note.setAttribute('role', 'alert')
      anchor.after(note)
    }
    note.textContent = text ?? ''
  }
  function clearNotSent(element) {
    const note = (element.closest('form') ?? element).nextElementSibling
    if (note?.classList.contains('send-state')) note.remove()
  }

  document.addEventListener('htmx:error', (event) => {
    // Only a request that failed to go or to come back (htmx also reports its own errors here).
    const source = event.target instanceof Element ? event.target : null
    if (!source || !source.isConnected || !event.detail?.ctx?.request) return
    const form = source.closest('form[data-queue]')
    if (form) queueTap(form)
    else sayNotSent(source)
  })
  // A server that failed (5xx, or a full disk) is tried again later for a queued tap, instead of its error
  // page taking the place of the list.
  document.addEventListener('htmx:before:swap', (event) => {
    const form = event.target instanceof Element ? event.target.closest('form[data-queue]') : null
    const status = event.detail?.ctx?.response?.status ?? 0
    if (form && status >= 500) {
      event.preventDefault()
      queueTap(form)
    }
  })
  document.addEventListener('htmx:after:request', (event) => {
    const status = event.detail?.ctx?.response?.status ?? 0
    if (!(event.target instanceof Element) || status === 0 || status >= 400) return
    clearNotSent(event.target)
    // A control tapped again once back online: the server has its latest state, an older queued tap must not follow.
    const action = event.target.closest('form[data-queue]')?.getAttribute('action')
    if (action) writeQueue(readQueue().filter((t) => t.action !== action))
  })
  // A list drawn afresh still shows the taps that are waiting to be sent.
  document.addEventListener('htmx:after:swap', () => {
    for (const tap of readQueue()) markQueued(tap)
  })
  // Not on the voting tablet: its own scripts tell a child what happened, in a child's words.
  const plainForm = (form) =>
    form instanceof HTMLFormElement &&
    form.method === 'post' &&
    !form.hasAttribute('hx-post') &&
    !form.hasAttribute('data-autosave') &&
    !document.documentElement.classList.contains('kiosk-page')
  document.addEventListener('submit', (event) => {
    const form = event.target
    if (!plainForm(form) || event.defaultPrevented || (navigator.onLine !== false && boxReached)) return
    event.preventDefault()
    sayNotSent(form.querySelector('[type="submit"]') ?? form)
    askTheBox()
  })

  // A phone may say it is online and still not reach the box (out of the Wi-Fi's reach, a hung access
  // point): its browser would then post the form into an error page, and what was typed would be lost.
  // So while a page with such a form is open, the box is asked every few seconds (/health, answered at
  // once); when it did not answer, a form is not sent and says so, as when the phone knows it is offline.
  // Known before the tap, so that a form that can go goes at once, as a plain form does.
  let boxReached = true
  let asking = false
  async function askTheBox() {
    if (asking || !window.fetch || !window.AbortSignal?.timeout) return
    asking = true
    try {
      const res = await fetch('/health', { cache: 'no-store', credentials: 'same-origin', signal: AbortSignal.timeout(4000) })
      await res.text()
      boxReached = true
    } catch {
      boxReached = false
    } finally {
      asking = false
    }
  }
  if ([...document.forms].some(plainForm)) {
    setInterval(() => {
      if (document.visibilityState === 'visible' && navigator.onLine !== false) askTheBox()
    }, 5000)
    window.addEventListener('online', askTheBox)
    // A phone taken out of a pocket: what it knew of the box may be old, so it asks at once.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') askTheBox()
    })
  }

  // The queue: { action, fields, target } per tap, the latest tap of a control replacing an earlier one.
  const QUEUE = 'bal-panchayat:queue'
  const readQueue = () => {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) ?? '[]')
    } catch {
      return []
    }
  }
  const writeQueue = (queue) =>
    queue.length ? localStorage.setItem(QUEUE, JSON.stringify(queue)) : localStorage.removeItem(QUEUE)
  const sameTap = (a, b) => a.action === b.action && JSON.stringify(a.fields) === JSON.stringify(b.fields)

  function queueTap(form) {
    const fields = Object.fromEntries([...new FormData(form)].filter(([name]) => name !== '_csrf'))
    const tap = { action: form.getAttribute('action'), fields, target: form.getAttribute('hx-target') }
    writeQueue([...readQueue().filter((t) => t.action !== tap.action), tap])
    showQueued(form, fields.present === '1')
    sendQueueSoon(retryIn)
  }

  /** The tap shows as made (and the next tap undoes it), marked as not yet saved. */
  function showQueued(form, present) {
    const button = form.querySelector('button')
    const next = form.querySelector('input[name="present"]')
    if (!button || !next) return
    const roll = form.closest('[data-present-word]')
    button.classList.toggle('present', present)
    button.classList.toggle('absent', !present)
    button.classList.add('unsaved')
    button.setAttribute('aria-pressed', String(present))
    const tick = button.querySelector('.tick')
    if (tick) tick.textContent = present ? '✓' : ''
    // "girl · absent" becomes "girl · present": the words after the last dot.
    const state = [...button.querySelectorAll('.who > small:not(.send-state)')].pop()
    const dot = state?.textContent.lastIndexOf('·') ?? -1
    if (state && roll && dot >= 0)
      state.textContent = `${state.textContent.slice(0, dot + 1)} ${present ? roll.dataset.presentWord : roll.dataset.absentWord}`
    next.value = present ? '' : '1'
    let note = button.querySelector('.send-state')
    if (!note) {
      note = document.createElement('small')
      note.className = 'send-state queued'
      button.querySelector('.who')?.append(note)
    }
    note.textContent = words.queued ?? ''
  }

  let sending = false
  let retryIn = 2000
  let timer = null
  function sendQueueSoon(delay) {
    clearTimeout(timer)
    timer = setTimeout(sendQueue, delay)
  }

  async function sendQueue() {
    if (sending) return
    sending = true
    let fresh = null
    try {
      for (let queue = readQueue(); queue.length; queue = readQueue()) {
        const tap = queue[0]
        const token = csrfToken()
        const res = await fetch(tap.action, {
          method: 'POST',
          body: new URLSearchParams({ ...tap.fields, _csrf: token }),
          headers: { 'HX-Request': 'true', 'X-CSRF-Token': token },
          credentials: 'same-origin',
        })
        if (res.status >= 500) throw new Error(String(res.status))
        const html = await res.text()
        // Sent: off the queue (unless tapped again meanwhile, which stays to be sent next).
        writeQueue(readQueue().filter((t) => !sameTap(t, tap)))
        if (res.ok) fresh = { html, target: tap.target }
        else refused(html)
      }
      retryIn = 2000
      if (fresh) showFresh(fresh)
    } catch {
      // Still offline, or the server failed: try again, less and less often.
      sendQueueSoon(retryIn)
      retryIn = Math.min(retryIn * 2, 30000)
    } finally {
      sending = false
    }
  }

  /** The server's answer to the last tap sent replaces its list, with a word that all is saved. */
  function showFresh({ html, target }) {
    const old = target && document.querySelector(target)
    if (!old) return
    const template = document.createElement('template')
    template.innerHTML = html.trim()
    const section = template.content.firstElementChild
    if (!section) return
    old.replaceWith(section)
    window.htmx?.process?.(section)
    const note = document.createElement('p')
    note.className = 'send-state saved'
    note.setAttribute('role', 'status')
    note.textContent = words.sentLater ?? ''
    section.querySelector('h2')?.after(note)
    for (const tap of readQueue()) markQueued(tap)
  }

  /** A tap the server refused (the meeting was closed meanwhile): its reason, where staff see messages. */
  function refused(html) {
    const template = document.createElement('template')
    template.innerHTML = html
    const note = document.createElement('p')
    note.className = 'error-message'
    note.setAttribute('role', 'alert')
    note.textContent = `${words.refused ?? ''} ${template.content.textContent?.trim() ?? ''}`
    ;(document.getElementById('flash') ?? document.querySelector('main'))?.append(note)
  }

  function markQueued(tap) {
    for (const form of document.querySelectorAll('form[data-queue]'))
      if (form.getAttribute('action') === tap.action) showQueued(form, tap.fields.present === '1')
  }

  // Taps kept from before (the page was closed while offline) show as not yet saved, and are sent again.
  const kept = readQueue()
  if (kept.length) {
    for (const tap of kept) markQueued(tap)
    sendQueueSoon(0)
  }
  window.addEventListener('online', () => {
    if (readQueue().length) sendQueueSoon(0)
  })

  // ---------------------------------------------------------------------------------------------------
  // The register's filters fold away on a phone and stand open on a wider screen.
  const fold = document.querySelector('details[data-fold-wide]')
  if (fold && window.matchMedia('(min-width: 800px)').matches) fold.open = true
})()
