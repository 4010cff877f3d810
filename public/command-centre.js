// The command centre, live: joins the agents-only command-centre room and swaps in each board
// the server pushes (drawn from the same template as the page). Without this script the page
// still shows the figures as of its loading.
(function () {
  var page = document.querySelector('main.live');
  var board = document.getElementById('live-board');
  var state = page && page.querySelector('.live-state');
  var socket = window.chorus && window.chorus.socket;
  if (!page || !board || !socket) return;

  function localTimes() {
    var t = board.querySelector('time[datetime]');
    if (t) t.textContent = new Date(t.getAttribute('datetime')).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function live(on, text) {
    page.setAttribute('data-live', on ? 'on' : 'off');
    if (state) state.textContent = text;
  }
  function join() {
    socket.timeout(10000).emit('live:join', {}, function (err, r) {
      if (err || !r || !r.ok) return live(false, 'Not live: reload for fresh figures.');
      live(true, 'Live');
    });
  }

  socket.on('connect', join);
  if (socket.connected) join();
  socket.on('disconnect', function () { live(false, 'Reconnecting…'); });
  socket.on('live.figures', function (p) {
    if (!p || typeof p.html !== 'string') return;
    board.innerHTML = p.html;
    page.setAttribute('data-updated', String(p.at));
    localTimes();
  });
  localTimes();
})();
