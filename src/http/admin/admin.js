// The kiroku admin page: signs in with the API's cookie session and shows the account,
// its learners and the progress report; an operator or reseller admin sees the tenants
// they reach (suspend, resume) and opens one, whose learners and report are then read
// naming it in X-Kiroku-Tenant. The CSRF token lives in this script's memory
// only (never in storage); a reload asks GET /api/auth/session for it again.
'use strict';
(function () {
  var csrf = null;
  // The tenant an operator or reseller admin opened (tenant and end-client admins have
  // their own).
  var tenant = null;
  var $ = function (id) { return document.getElementById(id); };

  function say(text, kind) {
    var m = $('message');
    m.textContent = text || '';
    m.className = text ? (kind || 'error') : '';
  }

  // One API call: JSON in and out, same-origin cookies, the CSRF token on changes.
  // Resolves with the JSON body (null when there is none); rejects with an Error that
  // carries the status and the API's error message (and Retry-After on 429).
  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    if (tenant && path.indexOf('/api/v1/') === 0) headers['X-Kiroku-Tenant'] = tenant;
    return fetch(path, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (r.ok) return json;
        var msg = (json && json.error && json.error.message) || ('the server answered ' + r.status);
        var retry = r.headers.get('Retry-After');
        if (r.status === 429 && retry) msg += ' (try again in ' + retry + ' seconds)';
        var err = new Error(msg);
        err.status = r.status;
        throw err;
      });
    });
  }

  function failed(err) {
    if (err && err.status === 401 && csrf !== null) {
      showSignedOut();
    }
    say(err && err.message ? err.message : String(err), 'error');
  }

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    row.appendChild(td);
    return td;
  }

  function clear(tbody) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
  }

  function showSignedOut() {
    csrf = null;
    tenant = null;
    $('account').hidden = true;
    $('tenant-views').hidden = true;
    $('tenants-view').hidden = true;
    clear(document.querySelector('#tenants tbody'));
    clear(document.querySelector('#learners tbody'));
    clear(document.querySelector('#report tbody'));
    $('signin').hidden = false;
    document.body.dataset.state = 'signed-out';
  }

  function showSignedIn(body) {
    var a = body.account || {};
    csrf = body.csrfToken || null;
    $('who-login').textContent = a.login || '';
    $('who-role').textContent = a.role || '';
    $('who-tenant').textContent = a.tenant || '—';
    $('who-end-client').textContent = a.endClient || '—';
    $('password-user').value = a.login || '';
    $('signin').hidden = true;
    $('account').hidden = false;
    var ownTenant = a.role === 'tenant-admin' || a.role === 'end-client-admin';
    tenant = null;
    $('tenant-views').hidden = !ownTenant;
    $('current-tenant-line').hidden = true;
    $('tenants-view').hidden = ownTenant;
    $('no-tenant').hidden = ownTenant;
    document.body.dataset.state = 'signed-in';
    if (ownTenant) {
      return Promise.all([loadLearners(), loadReport()]).catch(failed);
    }
    return loadTenants().catch(failed);
  }

  function button(text, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  // Operators and reseller admins: the tenants they reach.
  function loadTenants() {
    return api('GET', '/api/operator/v1/tenants').then(function (list) {
      var tbody = document.querySelector('#tenants tbody');
      clear(tbody);
      (list || []).forEach(function (t) {
        var tr = document.createElement('tr');
        tr.dataset.tenant = t.name;
        cell(tr, t.name);
        cell(tr, t.status);
        cell(tr, t.plan || '—');
        cell(tr, t.reseller || '—');
        var actions = cell(tr, '');
        actions.appendChild(button('Open', function () { openTenant(t.name); }));
        var next = t.status === 'suspended' ? 'resume' : 'suspend';
        if (t.status !== 'terminated') {
          actions.appendChild(button(next === 'resume' ? 'Resume' : 'Suspend', function () {
            say('');
            api('POST', '/api/operator/v1/tenants/' + encodeURIComponent(t.name) + '/' + next)
              .then(loadTenants).catch(failed);
          }));
        }
        tbody.appendChild(tr);
      });
      $('tenants-empty').hidden = (list || []).length > 0;
    });
  }

  function openTenant(name) {
    say('');
    tenant = name;
    $('current-tenant').textContent = name;
    $('current-tenant-line').hidden = false;
    $('tenant-views').hidden = false;
    $('no-tenant').hidden = true;
    document.body.dataset.tenant = name;
    return Promise.all([loadLearners(), loadReport()]).catch(failed);
  }

  function loadLearners() {
    return api('GET', '/api/v1/learners').then(function (body) {
      var tbody = document.querySelector('#learners tbody');
      clear(tbody);
      var list = (body && body.learners) || [];
      list.forEach(function (l) {
        var tr = document.createElement('tr');
        tr.dataset.learner = l.id;
        cell(tr, l.id);
        cell(tr, l.name);
        cell(tr, l.endClient || '');
        tbody.appendChild(tr);
      });
      $('learners-empty').hidden = list.length > 0;
    });
  }

  function loadReport() {
    return api('GET', '/api/v1/reports/registrations').then(function (body) {
      var tbody = document.querySelector('#report tbody');
      clear(tbody);
      var rows = (body && body.registrations) || [];
      rows.forEach(function (r) {
        var tr = document.createElement('tr');
        tr.dataset.registration = r.registration;
        cell(tr, r.learner);
        cell(tr, r.packageId + ' (version ' + r.version + ')');
        cell(tr, r.completed ? 'yes' : 'no');
        var td = cell(tr, '');
        var ul = document.createElement('ul');
        ul.className = 'items';
        (r.items || []).forEach(function (i) {
          var li = document.createElement('li');
          var p = i.progress || {};
          li.textContent = (i.title || i.item) + ': ' + (p.completion || 'unknown') + ' / ' + (p.success || 'unknown');
          ul.appendChild(li);
        });
        td.appendChild(ul);
        tbody.appendChild(tr);
      });
      $('report-empty').hidden = rows.length > 0;
    });
  }

  $('signin-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('');
    var login = $('login').value;
    var password = $('password').value;
    api('POST', '/api/auth/login', { login: login, password: password }).then(function (body) {
      $('password').value = '';
      return showSignedIn(body);
    }).catch(failed);
  });

  $('signout').addEventListener('click', function () {
    say('');
    api('POST', '/api/auth/logout').then(function () {
      showSignedOut();
      say('Signed out.', 'info');
    }).catch(failed);
  });

  $('password-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('');
    var body = { currentPassword: $('current-password').value, newPassword: $('new-password').value };
    api('POST', '/api/auth/password', body).then(function () {
      $('current-password').value = '';
      $('new-password').value = '';
      say('Password changed. Other sessions of this account have ended.', 'info');
    }).catch(failed);
  });

  // After a reload: the cookie may still hold a session.
  api('GET', '/api/auth/session').then(showSignedIn, function (err) {
    showSignedOut();
    if (err.status !== 401) failed(err);
  });
})();
