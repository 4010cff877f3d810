// Live thread: joins the ticket's room (the server picks the audience) and shows new posts
// without reload. Post bodies arrive already sanitised; everything else is set as text.
(function () {
  var main = document.querySelector('[data-ticket-id]');
  if (!main || typeof io !== 'function') return;
  var ticketId = Number(main.getAttribute('data-ticket-id'));
  var posts = main.querySelector('[data-posts]');
  var socket = io({ transports: ['websocket', 'polling'] });
  socket.on('connect', function () {
    socket.emit('ticket:join', { ticketId: ticketId }, function (r) { if (r && r.ok) main.setAttribute('data-joined', '1'); });
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function render(m) {
    var a = el('article', 'post' + (m.author.type === 'agent' ? ' staff' : '') + ' live');
    a.id = 'm-' + m.id;
    a.setAttribute('data-id', m.id);
    var h = el('header', 'post-head');
    h.appendChild(el('span', 'avatar', (m.author.name || '?').trim().charAt(0).toUpperCase()));
    h.appendChild(el('span', 'author', m.author.name));
    if (m.author.type === 'agent') h.appendChild(el('span', 'badge staff', 'Staff'));
    if (m.author.type === 'contact') h.appendChild(el('span', 'rep', (m.author.reputation || 0) + ' rep'));
    h.appendChild(el('time', 'when', 'just now'));
    a.appendChild(h);
    var b = el('div', 'post-body');
    if (m.html) b.innerHTML = m.html; else b.appendChild(el('p', 'pre', m.text));
    a.appendChild(b);
    if (m.attachments && m.attachments.length) {
      var ul = el('ul', 'files');
      m.attachments.forEach(function (f) {
        var li = el('li'); var link = el('a', null, '📎 ' + f.filename); link.href = f.url; li.appendChild(link); ul.appendChild(li);
      });
      a.appendChild(ul);
    }
    return a;
  }
  socket.on('message.created', function (m) {
    if (!m || m.ticketId !== ticketId || document.getElementById('m-' + m.id)) return;
    posts.appendChild(render(m));
  });
  socket.on('message.updated', function (m) {
    var post = m && document.getElementById('m-' + m.id);
    var score = post && post.querySelector('[data-score]');
    if (score) score.textContent = String(m.score);
  });
  // A post moderated away disappears from open pages at once.
  socket.on('message.hidden', function (m) {
    var post = m && m.ticketId === ticketId && document.getElementById('m-' + m.id);
    if (post) post.remove();
  });
  socket.on('ticket.updated', function (t) {
    if (!t || t.id !== ticketId) return;
    var st = main.querySelector('[data-status]');
    if (st && t.status) { st.textContent = t.status; st.className = 'status status-' + t.status; }
    if (t.visibility === 'private' && location.pathname.indexOf('/community/') === 0) location.reload();
    if (t.changes && t.changes.indexOf('accepted') >= 0) location.reload();
  });

  var form = main.querySelector('form[data-reply]');
  if (form && window.fetch && window.FormData) {
    var shown = form.querySelector('[data-reply-error]');
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var btn = form.querySelector('button[type=submit]');
      btn.disabled = true;
      fetch(form.action, { method: 'POST', body: new FormData(form), headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) {
          if (r.ok) { form.reset(); if (shown) shown.hidden = true; return; }
          // A refusal that names a reason (a link before the trust level allows it, say) is
          // shown beside the reply, which keeps its text; anything else falls back to the form.
          return r.json().then(function (b) { return b; }, function () { return null; }).then(function (b) {
            if (r.status >= 500 || !b || !b.error || !b.error.message || !shown) throw new Error('HTTP ' + r.status);
            shown.textContent = b.error.message;
            shown.hidden = false;
          });
        })
        .catch(function () { form.submit(); })
        .finally(function () { btn.disabled = false; });
    });
  }
})();
