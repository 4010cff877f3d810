// Ticket page: live thread, who else is here and typing, the composer (stale-reply guard,
// canned responses, @mentions) — all on top of forms that work without this script.
(function () {
  var root = document.querySelector('[data-ticket-page]');
  if (!root || !window.chorus) return;
  var c = window.chorus;
  var ticketId = Number(root.getAttribute('data-ticket-id'));
  var list = root.querySelector('[data-messages]');
  var presenceEl = root.querySelector('[data-presence]');
  var form = root.querySelector('[data-composer]');
  var data = {};
  try { data = JSON.parse(document.getElementById('ticket-data').textContent) || {}; } catch (e) { data = {}; }
  var agents = data.agents || [];
  var CHANNELS = data.channels || {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  var LABEL = data.audiences || {};
  function deliveryWord(state) { return (data.deliveries || {})[state] || state; }
  function via(m) {
    var span = el('span', 'via');
    if (m.direction === 'internal') { span.textContent = c.t('staffOnly'); return span; }
    var kind = (data.channelAs || {})[m.channel] || m.channel;
    var ch = CHANNELS[kind] || [kind];
    var icon = el('span', 'ch ch-' + kind + ' sm');
    // The server's own SVG mark for the channel (a constant, never message content).
    icon.innerHTML = (data.icons || {})[kind] || '';
    icon.title = ch[0];
    span.appendChild(icon);
    span.appendChild(document.createTextNode(ch[0] + ' · ' + ((data.directions || {})[m.direction] || m.direction)));
    return span;
  }

  // ---- live thread -------------------------------------------------------------------------
  function renderMessage(m) {
    var li = el('li', 'msg aud-' + m.audience + '-msg' + (m.direction === 'outbound' ? ' out' : ''));
    li.id = 'm-' + m.id;
    li.setAttribute('data-id', m.id);
    li.setAttribute('data-audience', m.audience);
    var h = el('header');
    h.appendChild(el('span', 'avatar c' + (Math.abs(m.author.id || 0) % 6), (m.author.name || '?').trim().charAt(0).toUpperCase()));
    h.appendChild(el('span', 'author', m.author.name));
    h.appendChild(el('span', 'aud aud-' + m.audience, LABEL[m.audience] || m.audience));
    h.appendChild(via(m));
    if (m.direction === 'outbound' && m.deliveryState) {
      var d = el('span', 'delivery delivery-' + m.deliveryState, deliveryWord(m.deliveryState));
      d.setAttribute('data-delivery', '');
      h.appendChild(d);
    }
    var t = el('time', null, c.relativeTime(m.createdAt));
    t.setAttribute('datetime', m.createdAt);
    t.setAttribute('data-rel', '');
    h.appendChild(t);
    li.appendChild(h);
    var b = el('div', 'body');
    // Message HTML is sanitised when stored; everything else is set as text.
    if (m.html) b.innerHTML = m.html; else b.appendChild(el('p', 'pre', m.text));
    li.appendChild(b);
    var files = (m.attachments || []).filter(function (f) { return !f.inline; });
    if (files.length) {
      var ul = el('ul', 'files');
      files.forEach(function (f) { var i = el('li'); var a = el('a', null, '📎 ' + f.filename); a.href = f.url; i.appendChild(a); ul.appendChild(i); });
      li.appendChild(ul);
    }
    return li;
  }
  function addMessage(m, mine) {
    if (!m || m.ticketId !== ticketId || document.getElementById('m-' + m.id)) return;
    var li = renderMessage(m);
    if (!mine && m.audience !== 'staff' && m.author.type !== 'agent') li.classList.add('new-since');
    list.appendChild(li);
  }

  if (c.socket) {
    // Join on every (re)connect; a refused or lost join is tried again shortly.
    var join = function (attempt) {
      c.socket.emit('ticket:join', { ticketId: ticketId }, function (r) {
        if (r && r.ok) { root.setAttribute('data-joined', '1'); return; }
        if (attempt < 5) setTimeout(function () { join(attempt + 1); }, 500 * (attempt + 1));
      });
    };
    c.socket.on('connect', function () { root.removeAttribute('data-joined'); join(0); });
    c.socket.on('disconnect', function () { root.removeAttribute('data-joined'); });
    if (c.socket.connected) join(0);
    c.socket.on('message.created', function (m) { addMessage(m, m && m.author && m.author.type === 'agent' && m.author.id === c.me); });
    c.socket.on('message.updated', function (m) {
      var li = m && document.getElementById('m-' + m.id);
      var d = li && li.querySelector('.delivery');
      if (d && m.deliveryState) { d.textContent = deliveryWord(m.deliveryState); d.className = 'delivery delivery-' + m.deliveryState; }
    });
    c.socket.on('ticket.updated', function (e) {
      var t = e && (e.ticket || e);
      if (!t || t.id !== ticketId) return;
      var st = root.querySelector('[data-status]');
      if (st && t.status) { st.textContent = t.status; st.className = 'pill status-' + t.status; }
      // Someone else changed it: the sidebar shows the new state (an agent's own unsaved edit aside).
      var props = root.querySelector('[data-properties]');
      if (props && t.status && document.activeElement !== props.status) props.status.value = t.status;
      if (props && t.priority && document.activeElement !== props.priority) props.priority.value = t.priority;
      if (props && 'assignee' in t && document.activeElement !== props.assignee) props.assignee.value = t.assignee ? String(t.assignee.id) : 'none';
    });

    // ---- presence and typing ---------------------------------------------------------------
    var viewers = [];
    var typing = {};
    function renderPresence() {
      presenceEl.textContent = '';
      var others = viewers.filter(function (v) { return v.id !== c.me; });
      if (!others.length) return;
      presenceEl.appendChild(el('span', 'muted', c.t('alsoHere')));
      others.forEach(function (v) {
        var chip = el('span', 'viewer');
        chip.setAttribute('data-viewer', v.id);
        chip.appendChild(el('span', 'avatar sm c' + (v.id % 6), (v.name || '?').charAt(0).toUpperCase()));
        chip.appendChild(document.createTextNode(v.name));
        presenceEl.appendChild(chip);
        var ty = typing[v.id];
        if (ty) presenceEl.appendChild(el('span', 'typing' + (ty.note ? ' note' : ''), c.t(ty.note ? 'typingNote' : 'typingReply', { name: v.name })));
      });
    }
    c.socket.on('presence', function (p) {
      if (!p || p.ticketId !== ticketId) return;
      viewers = p.viewers || [];
      renderPresence();
    });
    c.socket.on('presence:typing', function (p) {
      if (!p || p.ticketId !== ticketId || !p.agent) return;
      clearTimeout((typing[p.agent.id] || {}).timer);
      if (p.typing) typing[p.agent.id] = { note: p.note, timer: setTimeout(function () { delete typing[p.agent.id]; renderPresence(); }, 6000) };
      else delete typing[p.agent.id];
      renderPresence();
    });
  }

  // Phones: the thread comes first, the sidebar folds behind a button.
  var sideBtn = root.querySelector('[data-sidebar-toggle]');
  if (sideBtn) sideBtn.addEventListener('click', function () {
    var open = !root.classList.contains('sidebar-open');
    root.classList.toggle('sidebar-open', open);
    sideBtn.setAttribute('aria-expanded', String(open));
  });

  // ---- keyboard: r reply, n note, s status, e solve and next (listed by "?") -----------------
  function pickTarget(value) {
    if (!form) return false;
    var radio = form.querySelector('input[name=target][value="' + value + '"]') || (value !== 'note' && form.querySelector('input[name=target]:not([value=note])'));
    if (!radio) return false;
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
    var box = form.querySelector('[data-composer-text]');
    box.focus();
    box.scrollIntoView({ block: 'nearest' });
  }
  c.shortcut(['r'], c.t('replyKey'), c.t('scopeTicket'), function () { return pickTarget('public'); });
  c.shortcut(['n'], c.t('noteKey'), c.t('scopeTicket'), function () { return pickTarget('note'); });
  c.shortcut(['s'], c.t('statusKey'), c.t('scopeTicket'), function () {
    var st = document.getElementById('p-status');
    if (!st) return false;
    root.classList.add('sidebar-open');
    st.focus();
    st.scrollIntoView({ block: 'center' });
  });
  // The next ticket is the first other one in the inbox view the agent came from.
  function nextTicket() {
    var view = '';
    try { view = sessionStorage.getItem('chorus.inboxView') || ''; } catch (e) { view = ''; }
    return c.api('GET', '/inbox/live' + view).then(function (r) {
      if (!r.ok || !r.data || !r.data.html) return '/inbox' + view;
      var doc = new DOMParser().parseFromString('<ol>' + r.data.html + '</ol>', 'text/html');
      var next = Array.prototype.slice.call(doc.querySelectorAll('.row[data-id]')).filter(function (x) { return Number(x.getAttribute('data-id')) !== ticketId; })[0];
      return next ? '/tickets/' + next.getAttribute('data-id') : '/inbox' + view;
    });
  }
  c.shortcut(['e'], c.t('solveNext'), c.t('scopeTicket'), function () {
    c.api('PATCH', '/api/tickets/' + ticketId, { status: 'solved' }).then(function (r) {
      if (!r.ok) { c.toast(r.data && r.data.error ? r.data.error.message : c.t('couldNotSolve')); return; }
      c.toast(c.t('solved', { id: ticketId }));
      root.setAttribute('data-solved', '1');
      return nextTicket().then(function (href) { location.href = href; });
    });
  });
  if (form) c.shortcut(['Ctrl+Enter'], c.t('sendKey'), c.t('scopeTicket'));

  if (!form) return;
  var text = form.querySelector('[data-composer-text]');
  var send = form.querySelector('[data-send]');
  var lastSeen = form.querySelector('[data-last-seen-input]');
  function target() { var r = form.querySelector('input[name=target]:checked'); return r ? r.value : 'participants'; }
  // The hint under the tabs and the placeholder follow the chosen tab — also when the browser
  // restores the chosen tab after a reload (it does so after this script first ran).
  var reachNote = form.querySelector('[data-reach-note]');
  var replyHint = reachNote ? reachNote.textContent : '';
  function syncTarget() {
    var note = target() === 'note';
    form.classList.toggle('is-note', note);
    text.placeholder = c.t(note ? 'notePlaceholder' : 'replyPlaceholder');
    if (reachNote) reachNote.textContent = note ? c.t('noteReach') : replyHint;
  }
  form.addEventListener('change', function (e) { if (e.target.name === 'target') { syncTarget(); sendTyping(true); } });
  syncTarget();
  window.addEventListener('pageshow', syncTarget);
  window.addEventListener('load', syncTarget);

  // Typing signal: on while keys are pressed, off 3 s after the last one or when sent.
  var typingOn = false, idle = null, lastSent = 0;
  function sendTyping(on) {
    if (!c.socket) return;
    var now = Date.now();
    if (on && typingOn && now - lastSent < 2000) return;
    typingOn = on;
    lastSent = now;
    c.socket.emit('presence:typing', { ticketId: ticketId, typing: on, note: target() === 'note' });
  }
  text.addEventListener('input', function () {
    if (text.value.trim()) sendTyping(true);
    clearTimeout(idle);
    idle = setTimeout(function () { sendTyping(false); }, 3000);
  });

  // ---- send, with the stale-reply guard -----------------------------------------------------
  function clearNotices() { form.parentNode.querySelectorAll('[data-notice]').forEach(function (n) { n.remove(); }); }
  function notice(cls, node) {
    var box = el('div', 'alert ' + cls);
    box.setAttribute('data-notice', '');
    box.setAttribute('role', 'alert');
    box.appendChild(node);
    form.parentNode.insertBefore(box, form);
    return box;
  }
  function setForce(on) {
    var f = form.querySelector('input[name=force]');
    if (on && !f) { f = el('input'); f.type = 'hidden'; f.name = 'force'; f.value = '1'; form.appendChild(f); }
    if (!on && f) f.remove();
    send.textContent = c.t(on ? 'sendAnyway' : 'send');
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!text.value.trim()) { text.focus(); return; }
    send.disabled = true;
    c.api('POST', form.action, new FormData(form)).then(function (r) {
      send.disabled = false;
      clearNotices();
      if (r.status === 201 && r.data) {
        addMessage(r.data.message, true);
        var max = 0;
        list.querySelectorAll('.msg').forEach(function (m) { max = Math.max(max, Number(m.getAttribute('data-id'))); m.classList.remove('new-since'); });
        lastSeen.value = String(max);
        text.value = '';
        form.querySelector('input[type=file]').value = '';
        form.querySelector('select[name=status]').value = '';
        setForce(false);
        sendTyping(false);
        return;
      }
      var err = r.data && r.data.error;
      if (r.status === 409 && err && err.code === 'stale_reply') {
        var wrap = el('div', 'stale');
        wrap.setAttribute('data-stale', '');
        wrap.appendChild(el('strong', null, err.message));
        var ol = el('ol');
        (err.details.newer || []).forEach(function (n) {
          var li = el('li');
          var a = el('a', null, '#' + n.id);
          a.href = '#m-' + n.id;
          li.appendChild(a);
          li.appendChild(document.createTextNode(' ' + n.text));
          ol.appendChild(li);
          var m = document.getElementById('m-' + n.id);
          if (m) m.classList.add('new-since');
        });
        wrap.appendChild(ol);
        wrap.appendChild(document.createTextNode(c.t('draftKept')));
        notice('warn', wrap);
        setForce(true);
        return;
      }
      notice('error', document.createTextNode(err ? err.message : c.t('sendFailed')));
    }, function () {
      send.disabled = false;
      notice('error', document.createTextNode(c.t('unreachable')));
    });
  });

  // ---- canned responses -------------------------------------------------------------------
  var canned = form.querySelector('[data-canned]');
  function insertAtCursor(s) {
    var start = text.selectionStart || 0, end = text.selectionEnd || 0;
    text.value = text.value.slice(0, start) + s + text.value.slice(end);
    text.selectionStart = text.selectionEnd = start + s.length;
    text.focus();
  }
  if (canned) canned.addEventListener('change', function () {
    var id = canned.value;
    if (!id) return;
    c.api('GET', '/api/tickets/' + ticketId + '/canned-responses/' + id).then(function (r) {
      canned.value = '';
      if (r.ok && r.data) insertAtCursor(r.data.text);
      else c.toast(c.t('cannedFailed'));
    });
  });

  // ---- @mentions ----------------------------------------------------------------------------
  var pop = el('ul', 'mention-list');
  pop.hidden = true;
  form.appendChild(pop);
  var choices = [], active = 0;
  function mentionQuery() {
    var upto = text.value.slice(0, text.selectionStart);
    var m = /(^|\s)@([\w.-]*)$/.exec(upto);
    return m ? m[2].toLowerCase() : null;
  }
  function closePop() { pop.hidden = true; choices = []; }
  function choose(a) {
    var upto = text.value.slice(0, text.selectionStart);
    var rest = text.value.slice(text.selectionStart);
    var before = upto.replace(/@([\w.-]*)$/, '@' + a.handle + ' ');
    text.value = before + rest;
    text.selectionStart = text.selectionEnd = before.length;
    closePop();
    text.focus();
  }
  text.addEventListener('input', function () {
    var q = mentionQuery();
    if (q === null) return closePop();
    choices = agents.filter(function (a) { return a.id !== c.me && (a.handle.toLowerCase().indexOf(q) === 0 || a.name.toLowerCase().indexOf(q) === 0); }).slice(0, 6);
    if (!choices.length) return closePop();
    active = 0;
    pop.textContent = '';
    choices.forEach(function (a, i) {
      var li = el('li', i === 0 ? 'on' : '', a.name + ' @' + a.handle);
      li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(a); });
      pop.appendChild(li);
    });
    pop.hidden = false;
  });
  text.addEventListener('keydown', function (e) {
    if (pop.hidden) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : choices.length - 1)) % choices.length;
      pop.querySelectorAll('li').forEach(function (li, i) { li.className = i === active ? 'on' : ''; });
    } else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); choose(choices[active]); }
    else if (e.key === 'Escape') closePop();
  });
})();
