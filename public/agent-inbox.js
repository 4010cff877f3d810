// Inbox: live rows and counts, keyboard triage (j/k/x/a/enter) and the bulk bar.
(function () {
  var list = document.querySelector('[data-inbox-list]');
  if (!list || !window.chorus) return;
  var c = window.chorus;
  var rowsEl = list.querySelector('[data-rows]');
  var bulk = document.getElementById('bulk');
  var selectedEl = list.querySelector('[data-selected]');
  var focusId = null;

  function rows() { return Array.prototype.slice.call(rowsEl.querySelectorAll('.row')); }
  function selectedIds() { return rows().filter(function (r) { return r.querySelector('input[type=checkbox]').checked; }).map(function (r) { return r.getAttribute('data-id'); }); }
  function syncSelection() {
    var ids = selectedIds();
    selectedEl.textContent = c.t('selected', { n: ids.length });
    rows().forEach(function (r) { r.classList.toggle('selected', r.querySelector('input').checked); });
  }
  function setFocus(row) {
    rows().forEach(function (r) { r.classList.remove('focus'); });
    if (!row) { focusId = null; return; }
    row.classList.add('focus');
    focusId = row.getAttribute('data-id');
    row.scrollIntoView({ block: 'nearest' });
  }
  function focused() { return focusId && rowsEl.querySelector('.row[data-id="' + focusId + '"]'); }

  rowsEl.addEventListener('change', syncSelection);
  rowsEl.addEventListener('click', function (e) {
    var row = e.target.closest('.row');
    if (!row) return;
    setFocus(row);
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'A') return;
    location.href = row.getAttribute('data-href');
  });
  var all = bulk.querySelector('[data-select-all]');
  all.addEventListener('change', function () {
    rows().forEach(function (r) { r.querySelector('input').checked = all.checked; });
    syncSelection();
  });

  // Live: any ticket change asks the server for this view again (it owns the filters), keeping
  // selection and focus; rows that were not there before flash once.
  var pending = null;
  function refresh() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      c.api('GET', '/inbox/live' + location.search).then(function (r) {
        if (!r.ok || !r.data) return;
        Object.keys(r.data.counts).forEach(function (k) {
          var el = document.querySelector('[data-count="' + CSS.escape(k) + '"]');
          if (el) el.textContent = r.data.counts[k];
        });
        document.querySelectorAll('.views [data-count]').forEach(function (el) {
          if (!(el.getAttribute('data-count') in r.data.counts)) el.textContent = '0';
        });
        var total = list.querySelector('[data-total]');
        if (total) total.textContent = c.t('tickets', { total: r.data.totalText || r.data.total });
        if (list.getAttribute('data-live') !== '1') return;
        var before = {};
        rows().forEach(function (row) { before[row.getAttribute('data-id')] = row.querySelector('input').checked; });
        rowsEl.innerHTML = r.data.html;
        watchRows();
        rows().forEach(function (row) {
          var id = row.getAttribute('data-id');
          if (!(id in before)) row.classList.add('fresh');
          else if (before[id]) row.querySelector('input').checked = true;
        });
        var empty = list.querySelector('[data-empty]');
        if (empty) empty.hidden = rows().length > 0;
        syncSelection();
        paintViewing();
        if (focusId) setFocus(focused());
      });
    }, 150);
  }
  // Who is on which ticket right now: a chip per colleague on the row ("no idea who else is
  // answering" is what this is for).
  var viewing = {};
  function paintViewing() {
    rows().forEach(function (row) {
      var slot = row.querySelector('[data-viewing]');
      if (!slot) return;
      slot.textContent = '';
      (viewing[row.getAttribute('data-id')] || []).forEach(function (v) {
        if (v.id === c.me) return;
        var chip = document.createElement('span');
        chip.className = 'avatar sm c' + (v.id % 6);
        chip.textContent = (v.name || '?').charAt(0).toUpperCase();
        chip.title = c.t('isOnTicket', { name: v.name });
        chip.setAttribute('data-viewer', v.name);
        slot.appendChild(chip);
      });
    });
  }
  // Tell the server which rows this page shows: it sends who is on those tickets now and on
  // every change, and nothing about tickets off the page.
  function watchRows() {
    if (!c.socket || !c.socket.connected) return;
    var ids = rows().map(function (row) { return Number(row.getAttribute('data-id')); }).filter(function (n) { return n > 0; });
    c.socket.emit('rows:watch', { ticketIds: ids }, function (r) {
      if (!r || !r.ok) return;
      viewing = {};
      (r.presence || []).forEach(function (p) { viewing[p.ticketId] = p.viewers; });
      paintViewing();
    });
  }
  if (c.socket) {
    c.socket.on('presence', function (p) {
      if (!p) return;
      viewing[p.ticketId] = p.viewers || [];
      paintViewing();
    });
    c.socket.on('connect', watchRows);
    watchRows();
    c.socket.on('ticket.created', refresh);
    c.socket.on('inbox.counts', refresh);
    c.socket.on('ticket.updated', refresh);
    c.socket.on('connect', function () { if (c.socket.recovered === false) refresh(); });
  }

  // Triage keys (listed by "?"). The inbox view is remembered for the ticket page's "solve and next".
  try { sessionStorage.setItem('chorus.inboxView', location.search); } catch (e) { /* private mode */ }
  function move(d) {
    var rs = rows();
    var cur = focused();
    var i = cur ? rs.indexOf(cur) : -1;
    setFocus(rs[d > 0 ? Math.min(rs.length - 1, i + 1) : Math.max(0, i - 1)]);
  }
  c.shortcut(['j', 'ArrowDown'], c.t('nextTicket'), c.t('scopeInbox'), function () { move(1); });
  c.shortcut(['k', 'ArrowUp'], c.t('prevTicket'), c.t('scopeInbox'), function () { move(-1); });
  c.shortcut(['Enter'], c.t('openFocused'), c.t('scopeInbox'), function () {
    var cur = focused();
    if (!cur) return false;
    location.href = cur.getAttribute('data-href');
  });
  c.shortcut(['x'], c.t('selectFocused'), c.t('scopeInbox'), function () {
    var cur = focused();
    if (!cur) return false;
    var box = cur.querySelector('input');
    box.checked = !box.checked;
    syncSelection();
  });
  c.shortcut(['a'], c.t('assignFocused'), c.t('scopeInbox'), function () {
    var cur = focused();
    if (!cur) return false;
    c.api('PATCH', '/api/tickets/' + cur.getAttribute('data-id'), { assigneeId: c.me }).then(function (r) {
      c.toast(r.ok ? c.t('assigned', { id: cur.getAttribute('data-id') }) : (r.data && r.data.error ? r.data.error.message : c.t('couldNotAssign')));
      refresh();
    });
  });
})();
