// The bell in the top bar: unread count, a panel of the newest items, live additions over the
// agent's own socket room, mark read (one and all), and opt-in desktop notifications (asked for
// on a click in the settings page, never on load).
(function () {
  var c = window.chorus;
  var bell = document.querySelector('[data-bell]');
  if (!c || !bell) return;
  var count = bell.querySelector('.bell-count');
  var panel = document.querySelector('[data-bell-panel]');
  var list = document.querySelector('[data-bell-list]');
  var loaded = false;

  function setUnread(n) {
    count.setAttribute('data-unread', String(n));
    count.textContent = String(n);
    count.hidden = !n;
    bell.setAttribute('title', n ? c.t('unread', { count: n }) : c.t('notifications'));
  }

  function item(n) {
    var li = document.createElement('li');
    li.className = 'bell-item' + (n.read ? '' : ' unread');
    li.setAttribute('data-notification', String(n.id));
    var a = document.createElement('a');
    a.href = n.url;
    a.textContent = n.title;
    a.addEventListener('click', function () { if (!n.read) c.api('POST', '/api/notifications/' + n.id + '/read'); });
    li.appendChild(a);
    if (n.excerpt) { var p = document.createElement('div'); p.className = 'muted small'; p.textContent = n.excerpt; li.appendChild(p); }
    return li;
  }

  function load() {
    return c.api('GET', '/api/notifications').then(function (r) {
      if (!r.ok || !r.data) return;
      loaded = true;
      list.textContent = '';
      if (!r.data.items.length) { var e = document.createElement('li'); e.className = 'bell-empty muted'; e.textContent = c.t('bellEmpty'); list.appendChild(e); }
      r.data.items.slice(0, 10).forEach(function (n) { list.appendChild(item(n)); });
      setUnread(r.data.unread);
    });
  }

  function toggle(open) {
    panel.hidden = !open;
    bell.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open && !loaded) load();
  }

  bell.addEventListener('click', function (e) {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    toggle(panel.hidden);
  });
  document.addEventListener('click', function (e) {
    if (!panel.hidden && !panel.contains(e.target) && !bell.contains(e.target)) toggle(false);
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && !panel.hidden) toggle(false); });
  document.querySelector('[data-bell-read-all]').addEventListener('click', function () {
    c.api('POST', '/api/notifications/read-all').then(function (r) { if (r.ok) { setUnread(0); list.querySelectorAll('.unread').forEach(function (li) { li.classList.remove('unread'); }); } });
  });

  if (c.socket) {
    c.socket.on('notification', function (m) {
      if (!m || !m.item) return;
      setUnread(m.unread);
      var empty = list.querySelector('.bell-empty');
      if (empty) empty.remove();
      if (loaded || !list.children.length) list.insertBefore(item(m.item), list.firstChild);
      // Only what the agent turned on in their settings, and only while this tab is hidden.
      if (window.Notification && Notification.permission === 'granted' && localStorage.getItem('chorus.desktop') === '1' && document.hidden) {
        try { new Notification(m.item.title, { body: m.item.excerpt || '', tag: 'chorus-' + m.item.id }); } catch (err) { /* the browser refused */ }
      }
    });
    c.socket.on('notification.read', function (m) {
      if (!m) return;
      setUnread(m.unread);
      list.querySelectorAll('.unread').forEach(function (li) {
        if (m.ids === 'all' || m.ids.indexOf(Number(li.getAttribute('data-notification'))) >= 0) li.classList.remove('unread');
      });
    });
  }

  // Settings page: desktop notifications are asked for only when the agent clicks.
  var desk = document.querySelector('[data-desktop-toggle]');
  if (desk) {
    var state = document.querySelector('[data-desktop-state]');
    var show = function () {
      var on = window.Notification && Notification.permission === 'granted' && localStorage.getItem('chorus.desktop') === '1';
      state.textContent = c.t(!window.Notification ? 'desktopNone' : Notification.permission === 'denied' ? 'desktopBlocked' : on ? 'desktopIsOn' : 'desktopIsOff');
      desk.textContent = c.t(on ? 'desktopTurnOff' : 'desktopTurnOn');
      desk.disabled = !window.Notification || Notification.permission === 'denied';
    };
    desk.addEventListener('click', function () {
      if (localStorage.getItem('chorus.desktop') === '1' && Notification.permission === 'granted') { localStorage.removeItem('chorus.desktop'); return show(); }
      Notification.requestPermission().then(function (p) { if (p === 'granted') localStorage.setItem('chorus.desktop', '1'); show(); });
    });
    show();
  }
})();
