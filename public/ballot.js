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
  // Nobody can cast twice by tapping twice.
  form.addEventListener('submit', () => { form.querySelector('.cast').disabled = true })
  if (!('speechSynthesis' in window)) form.querySelectorAll('.speak').forEach((b) => { b.hidden = true })

  // A child who walks away: after a while with no touch the ballot is abandoned and nothing is cast.
  const timeout = Number(form.dataset.timeout) * 1000
  let timer
  const restart = () => { clearTimeout(timer); timer = setTimeout(() => document.getElementById('abandon').submit(), timeout) }
  ;['click', 'touchstart', 'keydown'].forEach((t) => document.addEventListener(t, restart, { passive: true }))
  restart()
  show(0)
})()
