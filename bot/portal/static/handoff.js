/* 在线咨询: reload the transcript of the open conversation every two seconds, so the
 * recruiter sees the student's new messages without reloading the page. The fragment is
 * rendered (and escaped) by the server; when the status changes, the whole page reloads. */
(function () {
  'use strict';
  var box = document.getElementById('handoff-transcript');
  if (!box) return;
  var url = location.pathname + '?part=transcript';
  function toEnd() { box.scrollTop = box.scrollHeight; } // the newest message is what matters
  toEnd();
  function refresh() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } }).then(function (reply) {
      if (!reply.ok) throw new Error(String(reply.status));
      return reply.text();
    }).then(function (html) {
      var parsed = new DOMParser().parseFromString(html, 'text/html').getElementById('handoff-transcript');
      if (!parsed) return;
      if (parsed.getAttribute('data-status') !== box.getAttribute('data-status')) { location.reload(); return; }
      if (parsed.innerHTML !== box.innerHTML) {
        box.replaceWith(parsed);
        box = parsed;
        toEnd();
      }
    }).catch(function () { /* keep trying: a restart of the service is a few seconds */ });
  }
  setInterval(refresh, 2000);
})();
