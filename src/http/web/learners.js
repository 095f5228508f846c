// The learners page's CSV import: sends the chosen file to POST /api/v1/learners.csv
// with the session's CSRF token and shows what it did: learners created and updated,
// and each refused row (its number, id and why). Messages come from the page.
(function () {
  'use strict';
  var form = document.getElementById('import-form');
  if (!form) return;
  var data = document.getElementById('learners-i18n');
  var messages = data ? JSON.parse(data.textContent) : {};
  var result = document.getElementById('import-result');
  var button = document.getElementById('import-button');

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

  function report(answer) {
    result.textContent = '';
    var done = el('p', t('js-csv-done', { created: answer.created, updated: answer.updated }), 'notice info');
    done.id = 'import-done';
    result.appendChild(done);
    if (!answer.errors.length) return;
    result.appendChild(el('p', t('js-csv-refused', { n: answer.errors.length }), 'notice error'));
    var table = el('table');
    table.id = 'import-errors';
    var head = el('tr');
    ['js-csv-row', 'js-csv-id', 'js-csv-why'].forEach(function (id) {
      var th = el('th', t(id));
      th.scope = 'col';
      head.appendChild(th);
    });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el('tbody');
    answer.errors.forEach(function (e) {
      var tr = el('tr');
      tr.appendChild(el('td', String(e.row)));
      tr.appendChild(el('td', e.id || ''));
      tr.appendChild(el('td', why(e)));
      body.appendChild(tr);
    });
    table.appendChild(body);
    var wrap = el('div', undefined, 'table-wrap');
    wrap.appendChild(table);
    result.appendChild(wrap);
  }

  // A refused row's reason in the page's language, by the rule the server names; the
  // server's own words for any other.
  var RULES = {
    id: 'form-bad-learner-id',
    name: 'form-bad-name',
    email: 'form-bad-email',
    endClient: 'form-bad-end-client-id',
    unknownEndClient: 'form-unknown-end-client',
    fields: 'js-csv-rule-fields',
    duplicate: 'js-csv-rule-duplicate',
    taken: 'js-csv-rule-taken',
    otherEndClient: 'js-csv-rule-otherEndClient'
  };
  function why(e) {
    var key = RULES[e.rule];
    return key && messages[key] ? t(key, { first: e.first, id: e.endClient || '' }) : e.message;
  }

  function failed(text) {
    result.textContent = '';
    var p = el('p', text, 'notice error');
    p.setAttribute('role', 'alert');
    p.id = 'import-failed';
    result.appendChild(p);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = document.getElementById('csv-file');
    if (!input.files || !input.files.length) return;
    button.disabled = true;
    result.textContent = t('js-csv-sending');
    var headers = {
      'Content-Type': 'text/csv; charset=utf-8',
      'X-CSRF-Token': form.getAttribute('data-csrf') || ''
    };
    var tenant = form.getAttribute('data-tenant');
    if (tenant) headers['X-Kiroku-Tenant'] = tenant;
    fetch('/api/v1/learners.csv', { method: 'POST', headers: headers, body: input.files[0], credentials: 'same-origin' })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
      })
      .then(function (a) {
        button.disabled = false;
        if (a.ok) report(a.body);
        else failed(t('js-csv-file-refused', { status: a.status }) + ' ' + ((a.body.error && a.body.error.message) || ''));
      })
      .catch(function () {
        button.disabled = false;
        failed(t('js-csv-failed'));
      });
  });
}());
