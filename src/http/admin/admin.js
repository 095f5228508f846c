// The kiroku admin page: signs in with the API's cookie session and shows the account,
// its learners and the progress report; an operator or reseller admin sees the tenants
// they reach (suspend, resume) and opens one, whose learners and report are then read
// naming it in X-Kiroku-Tenant. The CSRF token lives in this script's memory
// only (never in storage); a reload asks GET /api/auth/session for it again.
// Every text it shows comes from the page's message catalog (the JSON block #i18n, in
// the page's language); values the API answers in its own words (roles, statuses,
// completion) are shown through the catalog too.
'use strict';
(function () {
  var csrf = null;
  var I = JSON.parse(document.getElementById('i18n').textContent);
  // The message `id` with its {$name} placeables filled from `args`.
  function t(id, args) {
    var text = I.messages[id];
    if (text === undefined) return id;
    return text.replace(/\{\$([A-Za-z0-9_-]+)\}/g, function (m, name) {
      return args && args[name] !== undefined ? String(args[name]) : m;
    });
  }
  // A value of the API's vocabulary (`not attempted`) through the catalog
  // (`js-completion-not-attempted`); unknown values are shown as they are.
  function word(kind, value) {
    if (value == null || value === '') return t('js-none');
    var id = 'js-' + kind + '-' + String(value).replace(/ /g, '-');
    return I.messages[id] === undefined ? String(value) : t(id);
  }
  var numbers = new Intl.NumberFormat(I.lang);
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
        var e = (json && json.error) || {};
        var msg = explain(path, r.status, e);
        var retry = r.headers.get('Retry-After');
        if (r.status === 429 && retry) msg += ' ' + t('js-retry-after', { secs: numbers.format(Number(retry)) });
        var err = new Error(msg);
        err.status = r.status;
        throw err;
      });
    });
  }

  // The API's refusal in the page's language: the cases a person meets are in the
  // catalog; anything else names the status and keeps the API's own message.
  function explain(path, status, e) {
    if (path === '/api/auth/login' && status === 401) return t('js-wrong-login');
    if (e.reason === 'account_locked') return t('js-locked');
    if (e.reason === 'login_throttled') return t('js-throttled');
    if (e.reason === 'tenant_suspended') return t('js-tenant-suspended');
    if (e.reason === 'tenant_terminated') return t('js-tenant-terminated');
    if (e.reason === 'rate_limited') return t('js-rate-limited');
    if (path === '/api/auth/password' && status === 403) return t('js-current-password-wrong');
    if (path === '/api/auth/password' && status === 400) return t('js-password-rule', { n: I.minPassword });
    if (status === 401) return t('js-session-ended');
    var msg = t('js-server-answered', { status: status });
    return e.message ? msg + ': ' + e.message : msg;
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

  // The language control posts the session's CSRF token, so that switching also
  // changes a signed-in account's setting.
  function setCsrf(token) {
    csrf = token;
    var field = $('lang-csrf');
    if (field) field.value = token || '';
  }

  // The account's language beats the browser's and the cookie's: show the page in it.
  // At most once (`relang=1`): a page opened from another site's link comes without the
  // SameSite=Strict session cookie, so the server chose by the browser's language.
  function relang(a) {
    var lang = a && a.language;
    if (!lang || lang === I.lang || /[?&]relang=1(&|$)/.test(window.location.search)) return false;
    window.location.replace('/admin/?relang=1');
    return true;
  }

  function showSignedOut() {
    setCsrf(null);
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
    setCsrf(body.csrfToken || null);
    $('who-login').textContent = a.login || '';
    $('who-role').textContent = word('role', a.role);
    $('who-tenant').textContent = a.tenant || t('js-none');
    $('who-end-client').textContent = a.endClient || t('js-none');
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
      (list || []).forEach(function (tn) {
        var tr = document.createElement('tr');
        tr.dataset.tenant = tn.name;
        cell(tr, tn.name);
        cell(tr, word('status', tn.status));
        cell(tr, tn.plan || t('js-none'));
        cell(tr, tn.reseller || t('js-none'));
        var actions = cell(tr, '');
        actions.appendChild(button(t('js-open'), function () { openTenant(tn.name); }));
        var next = tn.status === 'suspended' ? 'resume' : 'suspend';
        if (tn.status !== 'terminated') {
          actions.appendChild(button(t(next === 'resume' ? 'js-resume' : 'js-suspend'), function () {
            say('');
            api('POST', '/api/operator/v1/tenants/' + encodeURIComponent(tn.name) + '/' + next)
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
        cell(tr, t('js-package-version', { package: r.packageId, version: numbers.format(r.version) }));
        cell(tr, t(r.completed ? 'js-yes' : 'js-no'));
        var td = cell(tr, '');
        var ul = document.createElement('ul');
        ul.className = 'items';
        (r.items || []).forEach(function (i) {
          var li = document.createElement('li');
          var p = i.progress || {};
          li.textContent = (i.title || i.item) + ': ' + word('completion', p.completion || 'unknown') +
            ' / ' + word('success', p.success || 'unknown');
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
      return relang(body.account) ? null : showSignedIn(body);
    }).catch(failed);
  });

  $('signout').addEventListener('click', function () {
    say('');
    api('POST', '/api/auth/logout').then(function () {
      showSignedOut();
      say(t('js-signed-out'), 'info');
    }).catch(failed);
  });

  $('password-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    say('');
    var body = { currentPassword: $('current-password').value, newPassword: $('new-password').value };
    api('POST', '/api/auth/password', body).then(function () {
      $('current-password').value = '';
      $('new-password').value = '';
      say(t('js-password-changed'), 'info');
    }).catch(failed);
  });

  // After a reload: the cookie may still hold a session.
  api('GET', '/api/auth/session').then(function (body) {
    return relang(body.account) ? null : showSignedIn(body);
  }, function (err) {
    showSignedOut();
    if (err.status !== 401) failed(err);
    else if (/[?&]setup=done(&|$)/.test(window.location.search)) say(t('js-setup-done'), 'info');
  });
})();
