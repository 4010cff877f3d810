// Admin › Inboxes: the create form shows the settings fields of the chosen channel only
// (without script every kind's fields show and the server reads the chosen kind's).
(function () {
  var select = document.querySelector('[data-channel-select]');
  if (!select) return;
  var kinds = document.querySelectorAll('[data-channel-kind]');
  function show() {
    kinds.forEach(function (k) {
      var on = k.getAttribute('data-channel-kind') === select.value;
      k.hidden = !on;
      k.querySelectorAll('input, textarea, select').forEach(function (i) { i.disabled = !on; });
    });
  }
  select.addEventListener('change', show);
  show();
})();
