// The command centre, live: joins the agents-only command-centre room and swaps in each board
// the server pushes (drawn from the same template as the page). Without this script the page
// still shows the figures as of its loading.
(function () {
  var page = document.querySelector('main.live');
  var board = document.getElementById('live-board');
  var state = page && page.querySelector('.live-state');
  var socket = window.chorus && window.chorus.socket;
  if (!page || !board || !socket) return;
  // The page's words and language come in data- attributes (the CSP allows no inline script).
  var lang = page.getAttribute('data-lang') || 'en';
  function text(name, fallback) { return page.getAttribute('data-text-' + name) || fallback; }

  function localTimes() {
    var t = board.querySelector('time[datetime]');
    if (t) t.textContent = new Date(t.getAttribute('datetime')).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function live(on, text) {
    page.setAttribute('data-live', on ? 'on' : 'off');
    if (state) state.textContent = text;
  }
  function join() {
    socket.timeout(10000).emit('live:join', {}, function (err, r) {
      if (err || !r || !r.ok) return live(false, text('not-live', 'Not live: reload for fresh figures.'));
      live(true, text('live', 'Live'));
    });
  }

  socket.on('connect', join);
  if (socket.connected) join();
  socket.on('disconnect', function () { live(false, text('reconnecting', 'Reconnecting…')); });
  socket.on('live.figures', function (p) {
    var html = (p && p.htmlByLocale && p.htmlByLocale[lang]) || (p && p.html);
    if (typeof html !== 'string') return;
    board.innerHTML = html;
    page.setAttribute('data-updated', String(p.at));
    localTimes();
  });
  localTimes();
})();
