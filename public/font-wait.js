// Run in <head>, before the first paint. The Devanagari font is `font-display: optional` (app.css): a page
// never redraws with it, so nothing moves, and a phone or tablet with a Devanagari font of its own shows
// that one meanwhile. A device without one (a TV, a bare Linux) would draw the Hindi as empty boxes for the
// whole page when the font comes late; there, and only there, the page waits hidden for our font (at most
// 3 s, app.css) and is shown once, drawn with it: no boxes, and no shift, since nothing was shown before.
;(() => {
  const html = document.documentElement
  const ctx = document.fonts?.load && document.createElement('canvas').getContext('2d')
  if (!ctx) return
  // Letters the device has no font for are all drawn as the same empty box, as a private-use character is.
  ctx.font = '40px sans-serif'
  const width = (text) => ctx.measureText(text).width
  if (width('कखगम') !== width('\uE000\uE000\uE000\uE000')) return
  html.classList.add('devanagari-missing', 'font-wait')
  const show = () => html.classList.remove('font-wait')
  // Shown by 3 s whatever the font does (app.css shows it then too): a page's scripts wait for this class to go.
  setTimeout(show, 3000)
  // The font's rules are in app.css, linked after this script: asked for once that stylesheet is in.
  const load = () => document.fonts.load('1em "Noto Sans Devanagari Wait"', 'कख').then(show, show)
  document.addEventListener('DOMContentLoaded', () => {
    const css = document.querySelector('link[rel="stylesheet"]')
    if (!css || css.sheet) load()
    else {
      css.addEventListener('load', load)
      css.addEventListener('error', show)
    }
  })
})()
