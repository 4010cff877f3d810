// Chorus's one relative-time formatter ("5 minutes ago", "yesterday", "now"), shared by the
// server (handlebars helpers, presenters) and the pages' scripts so both say the same thing.
// Intl.RelativeTimeFormat words it for the locale; style "narrow" is the compact inbox form.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.chorusRelativeTime = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  var STEPS = [
    // [unit, its length in seconds, switch to the next unit from this many of it]
    ['second', 1, 45], ['minute', 60, 45], ['hour', 3600, 22], ['day', 86400, 26], ['month', 2629800, 11], ['year', 31557600, Infinity],
  ];
  var cache = {};
  function formatter(locale, style) {
    var key = (locale || '') + '|' + style;
    if (!cache[key]) cache[key] = new Intl.RelativeTimeFormat(locale || 'en', { numeric: 'auto', style: style });
    return cache[key];
  }
  function toMs(t) {
    if (t === null || t === undefined || t === '') return NaN;
    return typeof t === 'number' ? t : t instanceof Date ? t.getTime() : Date.parse(t);
  }
  // then: epoch ms, ISO string or Date; now: epoch ms (defaults to the clock).
  function relativeTime(then, now, opts) {
    var ms = toMs(then);
    if (isNaN(ms)) return (opts && opts.unknown) || 'at an unknown time';
    var secs = (ms - (now === undefined || now === null ? Date.now() : now)) / 1000;
    var f = formatter(opts && opts.locale, (opts && opts.style) || 'long');
    if (Math.abs(secs) < 45) return f.format(0, 'second');
    for (var i = 1; i < STEPS.length; i++) {
      var n = Math.round(secs / STEPS[i][1]);
      if (Math.abs(n) < STEPS[i][2]) return f.format(n, STEPS[i][0]);
    }
    return f.format(Math.round(secs / STEPS[STEPS.length - 1][1]), 'year');
  }
  return relativeTime;
});
