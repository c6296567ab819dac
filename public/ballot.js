// The ballot on the shared tablet: one contest per screen, then a confirm screen.
// Without this script every contest shows on one page with a single "cast" button.
(() => {
  const form = document.getElementById('ballot')
  if (!form) return
  document.documentElement.classList.add('js')
  const steps = [...form.querySelectorAll('.step')]
  let current = 0

  function show(i) {
    current = Math.max(0, Math.min(i, steps.length - 1))
    steps.forEach((s, j) => s.classList.toggle('current', j === current))
    if (steps[current].dataset.step === 'confirm') fillSummary()
    steps[current].querySelector('h1')?.focus?.()
    window.scrollTo(0, 0)
  }

  function update(step) {
    const max = Number(step.dataset.max)
    const boxes = [...step.querySelectorAll('input[type=checkbox]')]
    const chosen = boxes.filter((b) => b.checked).length
    const left = max - chosen
    const p = step.querySelector('.remaining')
    p.textContent = left === 0 ? p.dataset.leftNone : left === 1 ? p.dataset.leftOne : p.dataset.leftOther.replace('#', String(left))
    step.querySelectorAll('.dot').forEach((d, i) => d.classList.toggle('filled', i < chosen))
    step.classList.toggle('full', left <= 0 && max > 1)
    boxes.forEach((b) => b.closest('.card').classList.toggle('chosen', b.checked))
  }

  function fillSummary() {
    const summary = form.querySelector('.ballot-summary')
    summary.replaceChildren()
    steps.filter((s) => s.dataset.step !== 'confirm').forEach((s, i) => {
      const block = document.createElement('div')
      block.className = 'summary-contest'
      const h = document.createElement('h2')
      h.textContent = s.dataset.contest
      block.append(h)
      const chosen = [...s.querySelectorAll('input:checked')]
      if (chosen.length === 0) {
        const none = document.createElement('p')
        none.textContent = summary.dataset.none
        block.append(none)
      }
      for (const box of chosen) {
        const item = document.createElement('div')
        item.className = 'summary-choice'
        item.append(box.closest('.card-choice').querySelector('.card-symbol').cloneNode(true))
        const name = document.createElement('span')
        name.textContent = box.dataset.name
        item.append(name)
        block.append(item)
      }
      const change = document.createElement('button')
      change.type = 'button'
      change.className = 'secondary'
      change.textContent = summary.dataset.change.replace('#', s.dataset.contest)
      change.addEventListener('click', () => show(i))
      block.append(change)
      summary.append(block)
    })
  }

  steps.forEach((step) => { if (step.dataset.step !== 'confirm') update(step) })
  form.addEventListener('change', (e) => {
    const step = e.target.closest('.step')
    if (!step || e.target.type !== 'checkbox') return
    const max = Number(step.dataset.max)
    const checked = [...step.querySelectorAll('input:checked')]
    if (checked.length > max) {
      if (max === 1) {
        // Choosing one: a tap on another card moves the mark there.
        checked.filter((b) => b !== e.target).forEach((b) => { b.checked = false })
      } else {
        // Full: the tap is undone and the child is told to take a mark off first.
        e.target.checked = false
        const p = step.querySelector('.remaining')
        update(step)
        p.textContent = p.dataset.full
        step.classList.remove('nudge'); void step.offsetWidth; step.classList.add('nudge')
        return
      }
    }
    update(step)
  })
  form.addEventListener('click', (e) => {
    const go = e.target.closest('[data-go]')?.dataset.go
    if (go === 'next') show(current + 1)
    if (go === 'back') show(current - 1)
    if (go === 'skip') {
      steps[current].querySelectorAll('input:checked').forEach((b) => { b.checked = false })
      update(steps[current])
      show(current + 1)
    }
    const say = e.target.closest('.speak')?.dataset.say
    if (say && 'speechSynthesis' in window) {
      const u = new SpeechSynthesisUtterance(say)
      u.lang = 'hi-IN'
      const voice = speechSynthesis.getVoices().find((v) => v.lang?.startsWith('hi'))
      if (voice) u.voice = voice
      speechSynthesis.cancel()
      speechSynthesis.speak(u)
    }
  })
  if (!('speechSynthesis' in window)) form.querySelectorAll('.speak').forEach((b) => { b.hidden = true })

  // --- Sending the vote: in the background, again and again until the box answers. The same one-time
  // token makes every retry safe (the box answers "counted" to a retry of a ballot it counted), and
  // the child is told "counted" only when the box said so.
  const outcome = document.getElementById('cast-outcome')
  const part = (name) => outcome.querySelector(`.outcome-${name}`)
  let sending = false
  let asked = null // resolves the current wait early (back online, or "ask again")

  function showOutcome(name, detail) {
    if (detail !== undefined) outcome.querySelector('.outcome-detail').textContent = detail
    if (!outcome.hidden && !part(name).hidden) return
    for (const p of ['sending', 'counted', 'failed']) part(p).hidden = p !== name
    form.hidden = true
    for (const other of document.querySelectorAll('.cancel-ballot')) other.hidden = true
    outcome.hidden = false
    outcome.focus()
    window.scrollTo(0, 0)
  }

  /** The box sent this tablet elsewhere (its poll closed, its session ended): go there. */
  function redirected(res) {
    if (!res.redirected) return false
    window.location.replace(res.url)
    return true
  }

  /** One try of the cast: 'counted', { refused: message }, or null when there was no clear answer. */
  async function post(body) {
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        body,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        signal: AbortSignal.timeout(15000),
      })
      if (redirected(res)) return new Promise(() => {})
      const answer = await res.json().catch(() => null)
      if (res.ok && answer?.status === 'counted') return 'counted'
      if (answer?.error && res.status >= 400 && (res.status < 500 || res.status === 507)) return { refused: answer.error }
    } catch {}
    return null
  }

  /** After no answer: ask the box whether this ballot counted. 'counted', 'open', { refused }, or null. */
  async function ask(token) {
    try {
      const res = await fetch(`${form.dataset.status}?token=${encodeURIComponent(token)}`, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
        signal: AbortSignal.timeout(10000),
      })
      if (redirected(res)) return new Promise(() => {})
      const answer = await res.json().catch(() => null)
      if (res.ok && answer?.status === 'counted') return 'counted'
      if (res.ok && answer?.status === 'open') return 'open'
      if (res.ok && answer?.message) return { refused: answer.message }
      if (answer?.error && res.status < 500) return { refused: answer.error }
    } catch {}
    return null
  }

  function pause(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      asked = () => { clearTimeout(timer); resolve() }
    })
  }
  window.addEventListener('online', () => asked?.())
  outcome.querySelector('.ask-again').addEventListener('click', () => asked?.())

  async function send() {
    const body = new URLSearchParams(new FormData(form))
    const token = body.get('token')
    showOutcome('sending')
    let answer = await post(body)
    let delay = 1000
    const started = Date.now()
    while (answer === null) {
      part('sending').querySelector('.slow').hidden = false
      // After a while without an answer the child is sent for help; the tablet keeps asking.
      if (Date.now() - started > 20000) showOutcome('failed', outcome.querySelector('.outcome-detail').dataset.noAnswer)
      await pause(delay)
      delay = Math.min(delay * 2, 8000)
      answer = await ask(token)
      if (answer === 'open') answer = await post(body)
    }
    if (answer === 'counted') return counted()
    showOutcome('failed', answer.refused)
  }

  function counted() {
    // Nothing of the ballot stays in the page, for Back or a look over the shoulder.
    showOutcome('counted')
    form.remove()
    document.querySelector('.cancel-ballot')?.remove()
    history.replaceState(null, '', form.dataset.thanks)
    // After the thank-you, the next-voter screen, once the box can be reached.
    setTimeout(async function next() {
      try {
        const res = await fetch('/health', { cache: 'no-store', signal: AbortSignal.timeout(5000) })
        // Read to the end first: a page left with an answer still coming counts that request as failed.
        await res.text()
        if (res.ok) return window.location.replace(form.dataset.next)
      } catch {}
      setTimeout(next, 3000)
    }, 5000)
  }

  form.addEventListener('submit', (e) => {
    if (!window.fetch || !window.AbortSignal?.timeout) {
      // No background sending here: the plain form post, once.
      form.querySelector('.cast').disabled = true
      return
    }
    e.preventDefault()
    if (sending) return
    sending = true
    stopIdle()
    form.querySelector('.cast').disabled = true
    send()
  })

  // --- A child who walks away: a warning 20 s before the ballot closes (a sound and the whole
  // screen), and a tap keeps it open. When it closes, nothing is cast and the tablet says so.
  // The box ends the ballot only if it too has had no sign of the child for that long, so the page
  // tells it of taps (at most every 30 s, and the tap on the warning at once).
  const timeout = Number(form.dataset.timeout) * 1000
  const warnFor = Number(form.dataset.warn) * 1000
  const presenceEvery = Number(form.dataset.presenceEvery) * 1000
  let toldAt = Date.now()
  function present() {
    toldAt = Date.now()
    if (!window.fetch) return
    const body = new URLSearchParams({ _csrf: form.elements._csrf.value })
    fetch(form.dataset.presence, { method: 'POST', body, credentials: 'same-origin' }).catch(() => {})
  }
  const warning = document.getElementById('idle-warning')
  const warningText = document.getElementById('idle-text')
  let warnTimer, endTimer, tick, audio

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)()
      audio.resume?.()?.catch?.(() => {})
      for (const at of [0, 0.35]) {
        const osc = audio.createOscillator()
        const gain = audio.createGain()
        osc.frequency.value = 880
        gain.gain.value = 0.2
        osc.connect(gain).connect(audio.destination)
        osc.start(audio.currentTime + at)
        osc.stop(audio.currentTime + at + 0.2)
      }
    } catch {}
  }

  function warn() {
    let left = Math.round(warnFor / 1000)
    const say = () => { warningText.textContent = warningText.dataset.text.replace('#', String(left)) }
    say()
    warning.hidden = false
    warning.querySelector('.idle-stay').focus()
    beep()
    tick = setInterval(() => { left = Math.max(0, left - 1); say() }, 1000)
  }

  function stopIdle() {
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    clearInterval(tick)
    warning.hidden = true
  }

  function restart() {
    if (sending) return
    if (!warning.hidden || Date.now() - toldAt >= presenceEvery) present()
    stopIdle()
    warnTimer = setTimeout(warn, Math.max(0, timeout - warnFor))
    endTimer = setTimeout(() => { if (!sending) document.getElementById('abandon').submit() }, timeout)
  }
  ;['click', 'touchstart', 'keydown'].forEach((t) => document.addEventListener(t, restart, { passive: true }))
  // The sound may only start after a first touch: the browser's rule. Prepared on the first one.
  document.addEventListener('touchstart', () => { try { audio = audio || new (window.AudioContext || window.webkitAudioContext)() } catch {} }, { once: true, passive: true })
  restart()
  show(0)
})()
