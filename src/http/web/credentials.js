// The credentials page: creates a credential with the chosen scopes through
// POST /api/v1/credentials and shows its key and secret (once: the server keeps only a
// digest), and revokes one after a confirmation (DELETE /api/v1/credentials/{key}).
(function () {
  'use strict';
  var form = document.getElementById('create-form');
  if (!form) return;
  var data = document.getElementById('credentials-i18n');
  var messages = data ? JSON.parse(data.textContent) : {};
  var result = document.getElementById('create-result');

  function t(id, args) {
    var text = messages[id] || id;
    return text.replace(/\{\$([A-Za-z0-9_-]+)\}/g, function (m, name) {
      return args && name in args ? String(args[name]) : m;
    });
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function headers() {
    var h = { 'Content-Type': 'application/json', 'X-CSRF-Token': form.getAttribute('data-csrf') || '' };
    var tenant = form.getAttribute('data-tenant');
    if (tenant) h['X-Kiroku-Tenant'] = tenant;
    return h;
  }

  function failed(status, body) {
    result.textContent = '';
    var p = el('p', t('js-cred-refused', { status: status }) + ' ' + ((body && body.error && body.error.message) || ''), 'notice error');
    p.setAttribute('role', 'alert');
    p.id = 'create-failed';
    result.appendChild(p);
  }

  function shown(c) {
    result.textContent = '';
    var box = el('div', undefined, 'notice info');
    box.id = 'created';
    box.appendChild(el('p', t('js-cred-once')));
    var dl = el('dl', undefined, 'facts');
    [['js-cred-endpoint', c.endpoint, 'created-endpoint'], ['js-cred-key', c.key, 'created-key'],
     ['js-cred-secret', c.secret, 'created-secret']].forEach(function (row) {
      dl.appendChild(el('dt', t(row[0])));
      var dd = el('dd');
      var code = el('code', row[1]);
      code.id = row[2];
      dd.appendChild(code);
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    result.appendChild(box);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var scopes = Array.prototype.slice.call(form.querySelectorAll('input[name=scope]:checked'))
      .map(function (b) { return b.value; });
    var body = { label: document.getElementById('cred-label').value, scopes: scopes };
    fetch('/api/v1/credentials', { method: 'POST', headers: headers(), body: JSON.stringify(body), credentials: 'same-origin' })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (a) {
        if (a.status === 201) shown(a.body);
        else failed(a.status, a.body);
      })
      .catch(function () { failed(0, null); });
  });

  document.addEventListener('click', function (ev) {
    var b = ev.target;
    if (!b.classList || !b.classList.contains('revoke')) return;
    var key = b.getAttribute('data-key');
    if (!window.confirm(t('js-cred-confirm', { key: key }))) return;
    fetch('/api/v1/credentials/' + encodeURIComponent(key), { method: 'DELETE', headers: headers(), credentials: 'same-origin' })
      .then(function (r) {
        if (r.status === 204) {
          var row = b.closest('tr');
          if (row) row.parentNode.removeChild(row);
          result.textContent = t('js-cred-revoked', { key: key });
        } else {
          return r.json().then(function (body) { failed(r.status, body); });
        }
      })
      .catch(function () { failed(0, null); });
  });
}());
