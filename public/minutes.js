// Minutes save themselves while they are typed. What is not yet saved is kept in this browser
// (localStorage) and sent again until the server has it, so a dropped connection loses nothing.
(() => {
  const token = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''
  const fields = (form) => ({ discussion: form.elements.discussion.value, decisions: form.elements.decisions.value })

  for (const form of document.querySelectorAll('form[data-autosave]')) {
    const key = `bal-panchayat:${form.dataset.autosave}`
    const state = form.querySelector('.save-state')
    const keepMine = form.querySelector('.keep-mine')
    let timer = null
    let retryIn = 2000
    let sending = false
    let again = false

    const say = (name, params = {}) => {
      let text = state.dataset[name] ?? ''
      for (const [k, v] of Object.entries(params)) text = text.replace(`{{${k}}}`, v)
      state.textContent = text
      state.className = `save-state ${name}`
    }
    const remember = () => localStorage.setItem(key, JSON.stringify({ ...fields(form), revision: form.elements.revision.value }))
    const forget = (sent) => {
      const kept = JSON.parse(localStorage.getItem(key) ?? 'null')
      if (kept && kept.discussion === sent.discussion && kept.decisions === sent.decisions) localStorage.removeItem(key)
    }

    async function save(force = false) {
      if (sending) { again = true; return }
      sending = true
      clearTimeout(timer)
      const sent = fields(form)
      const body = new URLSearchParams({ _csrf: token(), ...sent })
      if (!force) body.set('revision', form.elements.revision.value)
      say('saving')
      try {
        const res = await fetch(form.action, { method: 'POST', body, headers: { accept: 'application/json', 'x-csrf-token': token() }, credentials: 'same-origin' })
        const answer = await res.json().catch(() => ({}))
        if (res.ok) {
          form.elements.revision.value = String(answer.revision)
          forget(sent)
          retryIn = 2000
          keepMine.hidden = true
          say('saved', { at: answer.savedAt })
        } else if (res.status === 409 && answer.key === 'minutes.changedElsewhere' && !force) {
          keepMine.hidden = false
          say('conflict')
        } else if (res.status === 507) {
          // The box's storage is full: say so (the server's words), keep the text here, try again later.
          state.textContent = answer.error ?? ''
          state.className = 'save-state refused'
          timer = setTimeout(() => save(force), retryIn)
          retryIn = Math.min(retryIn * 2, 30000)
        } else if (res.status >= 400 && res.status < 500) {
          state.textContent = `${state.dataset.refused} ${answer.error ?? ''}`
          state.className = 'save-state refused'
        } else {
          throw new Error(String(res.status))
        }
      } catch {
        say('offline')
        timer = setTimeout(() => save(force), retryIn)
        retryIn = Math.min(retryIn * 2, 30000)
      } finally {
        sending = false
        if (again) { again = false; save() }
      }
    }

    form.addEventListener('input', () => {
      remember()
      say('unsaved')
      clearTimeout(timer)
      timer = setTimeout(() => save(), 800)
    })
    form.addEventListener('submit', (event) => { event.preventDefault(); save() })
    keepMine.addEventListener('click', () => save(true))
    window.addEventListener('online', () => { if (localStorage.getItem(key)) save() })

    // Text typed earlier and never saved (the connection dropped, the page was closed) comes back.
    const kept = JSON.parse(localStorage.getItem(key) ?? 'null')
    if (kept) {
      const now = fields(form)
      if (kept.discussion !== now.discussion || kept.decisions !== now.decisions) {
        form.elements.discussion.value = kept.discussion
        form.elements.decisions.value = kept.decisions
        // Sent against the revision it was typed on: if someone saved since, the writer is asked.
        form.elements.revision.value = kept.revision
        say('restored')
        save()
      } else {
        localStorage.removeItem(key)
      }
    }
  }
})()
