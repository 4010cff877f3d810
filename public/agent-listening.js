// The listening view: joins the agents' listening room and keeps the list true without a reload
// (a new post appears on top of the newest-first view; one that became a ticket or was dismissed
// leaves). Text goes in as text, never as HTML.
(function () {
  var list = document.querySelector('[data-listening]');
  var c = window.chorus;
  if (!list || !c || !c.socket) return;
  // The page's words come in data- attributes on the list (the CSP allows no inline script).
  function say(name, fallback, values) {
    var s = list.getAttribute('data-text-' + name) || fallback;
    Object.keys(values || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(values[k])); });
    return s;
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  // As the server's compactNumber: 1.2k, 15k, 1.5M.
  function compact(n) { return n >= 1e6 ? (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + 'M' : n >= 1e3 ? (n / 1e3).toFixed(n >= 1e4 ? 0 : 1) + 'k' : String(n); }
  function row(p) {
    var li = el('li', 'card listened');
    li.setAttribute('data-item', p.id);
    var who = el('div', 'who');
    // The same tick box and triage forms as a row the server drew (from the page's template).
    var pick = el('input');
    pick.type = 'checkbox'; pick.name = 'ids'; pick.value = p.id; pick.setAttribute('form', 'bulk-dismiss'); pick.setAttribute('data-pick', ''); pick.setAttribute('aria-label', say('tick', 'Tick to dismiss with others'));
    who.appendChild(pick);
    who.appendChild(document.createTextNode(' '));
    var a = el('strong', '', p.author.name || (p.author.handle ? '@' + p.author.handle : say('unknown-author', 'unknown author')));
    a.setAttribute('data-author', '');
    who.appendChild(a);
    if (p.author.handle) who.appendChild(el('span', 'muted', ' @' + p.author.handle));
    var s = p.sentiment;
    var bits = [[p.author.followers !== null ? say('followers', '{n} followers', { n: compact(p.author.followers) }) : say('reach-unknown', 'reach unknown'), 'reach', 'data-reach'], [p.platform === 'x' ? 'X' : p.platform.charAt(0).toUpperCase() + p.platform.slice(1), '', 'data-platform']];
    if (p.language) bits.push([p.language, '', 'data-language']);
    bits.push([s === null ? say('no-score', 'no score') : s < 0 ? say('negative', 'negative ({s})', { s: s }) : s > 0 ? say('positive', 'positive ({s})', { s: s }) : say('neutral', 'neutral (0)'), 'sentiment', 'data-sentiment']);
    bits.forEach(function (b) { who.appendChild(document.createTextNode(' · ')); var x = el('span', b[1], b[0]); x.setAttribute(b[2], ''); who.appendChild(x); });
    li.appendChild(who);
    var text = el('p', 'text', p.text);
    text.setAttribute('data-text', '');
    li.appendChild(text);
    var m = el('p', 'small muted');
    m.setAttribute('data-matches', '');
    p.matches.forEach(function (x) { m.appendChild(el('span', 'tag', (x.stream || say('stream', 'stream {id}', { id: x.streamId })) + ': ' + x.query)); m.appendChild(document.createTextNode(' ')); });
    li.appendChild(m);
    var tpl = document.querySelector('[data-actions-template]');
    if (tpl && tpl.content) {
      var actions = tpl.content.cloneNode(true);
      actions.querySelectorAll('form').forEach(function (f) { f.setAttribute('action', f.getAttribute('action').replace('__ID__', String(Number(p.id)))); });
      li.appendChild(actions);
    }
    return li;
  }
  function join() { c.socket.emit('listening:join', {}); }
  c.socket.on('connect', join);
  if (c.socket.connected) join();
  c.socket.on('listening.item', function (e) {
    if (!e || !e.item) return;
    var old = list.querySelector('[data-item="' + e.item.id + '"]');
    // The count in the heading follows the list: a post in, a post out.
    var total = document.querySelector('[data-total]');
    var bump = function (d) { if (total) total.textContent = String(Math.max(0, (Number(total.textContent) || 0) + d)); };
    if (e.item.status !== 'new') { if (old) { old.remove(); bump(-1); } return; }
    if (!old && (e.changes || []).indexOf('created') >= 0) bump(1);
    var fresh = row(e.item);
    if (old) old.replaceWith(fresh);
    // Only the first page of the newest view takes new posts on top; other orders show them on reload.
    else if (list.getAttribute('data-sort') === 'newest' && !list.getAttribute('data-paged')) list.insertBefore(fresh, list.firstChild);
    var empty = document.querySelector('[data-empty]');
    if (empty) empty.remove();
  });
})();
