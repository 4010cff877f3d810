// Shared by every agent page: one socket, the CSRF token, a JSON helper, toasts and the
// notifications an agent gets anywhere (mentions, their snoozed tickets waking up).
(function () {
  var csrf = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
  var socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'] }) : null;

  function api(method, url, body) {
    var opts = { method: method, headers: { Accept: 'application/json', 'X-CSRF-Token': csrf }, credentials: 'same-origin' };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        return { ok: r.ok, status: r.status, data: data };
      });
    });
  }

  function toast(text, href) {
    var box = document.getElementById('toasts');
    if (!box) return;
    var t = document.createElement('div');
    t.className = 'toast';
    t.setAttribute('role', 'status');
    if (href) { var a = document.createElement('a'); a.href = href; a.textContent = text; t.appendChild(a); } else t.textContent = text;
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, 8000);
  }

  if (socket) {
    socket.on('mention', function (m) {
      if (!m) return;
      toast(m.by + ' mentioned you on #' + m.ticketId + ': ' + (m.excerpt || m.subject || ''), '/tickets/' + m.ticketId);
    });
    socket.on('ticket.woke', function (w) {
      if (!w) return;
      toast('#' + w.ticketId + ' ' + (w.subject || '') + ' woke up: ' + w.text, '/tickets/' + w.ticketId);
    });
  }

  // Snooze forms read "until…" times in the agent's own time zone (UTC without this script).
  var zone = (window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC';
  document.querySelectorAll('[data-time-zone]').forEach(function (i) { i.value = zone; });

  // "/" jumps to search from anywhere except a field.
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.target.isContentEditable) return;
    var q = document.querySelector('[data-hotkey="/"]');
    if (q) { e.preventDefault(); q.focus(); q.select(); }
  });

  window.chorus = { socket: socket, csrf: csrf, api: api, toast: toast, me: Number(document.body.getAttribute('data-me')) };
})();
