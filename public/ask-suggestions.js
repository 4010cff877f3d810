// While a question (or a web form's subject) is typed, solved public questions with the same words are offered (the page
// works without it). Debounced; a late answer for older text is dropped.
(() => {
  const input = document.querySelector('[data-suggest-from]');
  const box = document.querySelector('[data-suggestions]');
  if (!input || !box) return;
  const list = box.querySelector('ul');
  let timer = 0;
  let asked = '';
  const show = (items) => {
    list.replaceChildren(...items.map((s) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      // The question page then asks whether it answered them (counted for the reports).
      a.href = box.dataset.from ? `${s.href}?from=${encodeURIComponent(box.dataset.from)}` : s.href;
      a.textContent = s.title;
      li.append(a);
      if (s.accepted) {
        const note = document.createElement('small');
        note.textContent = box.dataset.acceptedLabel || 'Has an accepted answer';
        li.append(note);
      }
      return li;
    }));
    box.hidden = items.length === 0;
  };
  const ask = async () => {
    const q = input.value.trim();
    if (q === asked) return;
    asked = q;
    if (q.length < 4) return show([]);
    try {
      const res = await fetch(`/api/community/suggestions?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } });
      if (!res.ok || asked !== q) return;
      show((await res.json()).suggestions);
    } catch {
      /* offline: the form still works */
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  if (input.value) ask();
})();
