// Shared by every agent page: one socket, the CSRF token, a JSON helper, toasts and the
// notifications an agent gets anywhere (mentions, their snoozed tickets waking up).
(function () {
  var csrf = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
  var socket = typeof io === 'function' ? io({ transports: ['websocket', 'polling'] }) : null;

  // The page's words in the agent's language (locales/<lang>/agent.json "js", put on the page by
  // the layout): t('tickets', { total: 3 }); a `count` picks the plural form the language uses.
  var strings = {};
  try { strings = JSON.parse((document.getElementById('agent-strings') || {}).textContent || '{}') || {}; } catch (e) { strings = {}; }
  var lang = document.documentElement.lang || 'en';
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  function t(key, values) {
    values = values || {};
    var text = strings[key];
    if ('count' in values && plurals) text = strings[key + '_' + plurals.select(values.count)] || strings[key + '_other'] || text;
    return String(text === undefined ? key : text).replace(/\{\{\s*(\w+)\s*\}\}/g, function (_, k) { return values[k] === undefined || values[k] === null ? '' : String(values[k]); });
  }

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
      toast(t('mentioned', { by: m.by, id: m.ticketId, text: m.excerpt || m.subject || '' }), '/tickets/' + m.ticketId);
    });
    socket.on('ticket.woke', function (w) {
      if (!w) return;
      toast(t('woke', { id: w.ticketId, subject: w.subject || '', text: w.reason === 'customer' ? t('wokeCustomer') : w.reason === 'time' ? t('wokeTime') : w.text }), '/tickets/' + w.ticketId);
    });
  }

  // Snooze forms read "until…" times in the agent's own time zone (UTC without this script).
  var zone = (window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC';
  document.querySelectorAll('[data-time-zone]').forEach(function (i) { i.value = zone; });

  // Relative times ("5 minutes ago") stay true while the page is open: the same formatter as
  // the server's, re-run every 30 s on each <time data-rel>.
  var rel = window.chorusRelativeTime || function () { return ''; };
  function relativeTime(when) { return rel(when, Date.now(), { locale: lang }); }
  function refreshTimes() {
    document.querySelectorAll('time[data-rel][datetime]').forEach(function (t) { t.textContent = relativeTime(t.getAttribute('datetime')); });
    document.querySelectorAll('time[data-rel-short][datetime]').forEach(function (t) { t.textContent = rel(t.getAttribute('datetime'), Date.now(), { style: 'narrow', locale: lang }); });
  }
  setInterval(refreshTimes, 30000);

  // Keyboard shortcuts: every page script registers what it binds, so "?" lists all of them.
  // A key typed into a field is text, never a shortcut.
  var shortcuts = [];
  function typing(e) {
    var t = e.target;
    return /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable;
  }
  function shortcut(keys, text, scope, run) {
    shortcuts.push({ keys: keys, text: text, scope: scope });
    if (!run) return;
    document.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e) || helpOpen()) return;
      if (keys.indexOf(e.key) === -1) return;
      if (run(e) !== false) e.preventDefault();
    });
  }
  var help = null;
  function helpOpen() { return !!(help && !help.hidden); }
  function openHelp() {
    if (!help) {
      help = document.createElement('div');
      help.className = 'shortcut-help';
      help.setAttribute('role', 'dialog');
      help.setAttribute('aria-modal', 'true');
      help.setAttribute('aria-labelledby', 'shortcut-help-title');
      help.setAttribute('data-shortcut-help', '');
      help.addEventListener('click', function (e) { if (e.target === help || e.target.hasAttribute('data-close')) closeHelp(); });
      document.body.appendChild(help);
    }
    help.textContent = '';
    var box = document.createElement('div');
    box.className = 'shortcut-box';
    var h = document.createElement('h2');
    h.id = 'shortcut-help-title';
    h.textContent = t('shortcutsTitle');
    box.appendChild(h);
    var scopes = [];
    shortcuts.forEach(function (s) { if (scopes.indexOf(s.scope) === -1) scopes.push(s.scope); });
    scopes.forEach(function (scope) {
      var h3 = document.createElement('h3');
      h3.textContent = scope;
      box.appendChild(h3);
      var dl = document.createElement('dl');
      shortcuts.filter(function (s) { return s.scope === scope; }).forEach(function (s) {
        var dt = document.createElement('dt');
        s.keys.forEach(function (k, i) {
          if (i) dt.appendChild(document.createTextNode(' '));
          var kbd = document.createElement('kbd');
          kbd.textContent = k === 'Enter' ? '↵' : k === 'ArrowDown' ? '↓' : k === 'ArrowUp' ? '↑' : k;
          dt.appendChild(kbd);
        });
        var dd = document.createElement('dd');
        dd.textContent = s.text;
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      box.appendChild(dl);
    });
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn small';
    close.setAttribute('data-close', '');
    close.textContent = t('close');
    box.appendChild(close);
    help.appendChild(box);
    help.hidden = false;
    close.focus();
  }
  function closeHelp() { if (help) help.hidden = true; }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && helpOpen()) { closeHelp(); e.preventDefault(); return; }
    if (e.key === '?' && !e.ctrlKey && !e.metaKey && !typing(e)) { e.preventDefault(); if (helpOpen()) closeHelp(); else openHelp(); }
  });
  document.querySelectorAll('[data-shortcuts-open]').forEach(function (b) { b.addEventListener('click', openHelp); });

  shortcut(['?'], t('showShortcuts'), t('everywhere'));
  // "/" jumps to search from anywhere except a field.
  shortcut(['/'], t('search'), t('everywhere'), function () {
    var q = document.querySelector('[data-hotkey="/"]');
    if (!q) return false;
    q.focus();
    q.select();
  });

  // The top bar's menu button (phones): opens and closes the folded links.
  document.documentElement.classList.add('js');
  var menuBtn = document.querySelector('[data-menu-toggle]');
  if (menuBtn) menuBtn.addEventListener('click', function () {
    var open = menuBtn.getAttribute('aria-expanded') !== 'true';
    menuBtn.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('menu-open', open);
  });

  // Theme: applied at once, kept on the agent by the same form that works without this script.
  var themeForm = document.querySelector('[data-theme-form]');
  if (themeForm) themeForm.addEventListener('click', function (e) {
    var b = e.target.closest('button[name=theme]');
    if (!b) return;
    e.preventDefault();
    var theme = b.value;
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
    themeForm.querySelectorAll('button[name=theme]').forEach(function (x) { x.setAttribute('aria-pressed', String(x === b)); });
    api('POST', '/me/theme', { theme: theme }).then(function (r) {
      if (!r.ok) toast(t('themeFailed', { reason: r.data && r.data.error ? r.data.error.message : r.status }));
      else document.documentElement.setAttribute('data-theme-saved', theme);
    });
  });

  window.chorus = { socket: socket, csrf: csrf, api: api, toast: toast, me: Number(document.body.getAttribute('data-me')), shortcut: shortcut, relativeTime: relativeTime, t: t, lang: lang };
})();
