// The course library's upload: sends the chosen package to POST /api/v1/packages with
// the session's CSRF token, shows the upload's progress, then the import's answer: the
// new version (and goes to its page), or the refusal with its rule, file and position.
// Messages come from the page (#courses-i18n), in the reader's language.
(function () {
  'use strict';
  var launch = document.getElementById('launch-form');
  if (launch) {
    // The course's page: open it in the player for a learner (an LMS launch).
    var data0 = document.getElementById('courses-i18n');
    var m0 = data0 ? JSON.parse(data0.textContent) : {};
    launch.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var status0 = document.getElementById('launch-status');
      var headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': launch.getAttribute('data-csrf') || '' };
      var tenant0 = launch.getAttribute('data-tenant');
      if (tenant0) headers['X-Kiroku-Tenant'] = tenant0;
      var body = {
        learner: { id: document.getElementById('launch-learner').value, name: document.getElementById('launch-name').value },
        packageId: launch.getAttribute('data-package'),
        // The player opens in the page's language.
        lang: document.documentElement.lang
      };
      fetch('/api/v1/launch', { method: 'POST', headers: headers, body: JSON.stringify(body), credentials: 'same-origin' })
        .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
        .then(function (a) {
          if (a.status === 200 && a.body.playerUrl) {
            window.location.assign(a.body.playerUrl);
          } else {
            status0.className = 'notice error';
            status0.textContent = (m0['js-upload-launch-refused'] || '') + ' ' + ((a.body.error && a.body.error.message) || '');
          }
        });
    });
  }
  var form = document.getElementById('upload-form');
  if (!form) return;
  var data = document.getElementById('courses-i18n');
  var messages = data ? JSON.parse(data.textContent) : {};
  var bar = document.getElementById('upload-progress');
  var status = document.getElementById('upload-status');
  var button = document.getElementById('upload-button');

  function t(id, args) {
    var text = messages[id] || id;
    return text.replace(/\{\$([A-Za-z0-9_-]+)\}/g, function (m, name) {
      return args && name in args ? String(args[name]) : m;
    });
  }

  function line(cls, text) {
    var p = document.createElement('p');
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  function show(nodes) {
    status.textContent = '';
    nodes.forEach(function (n) { status.appendChild(n); });
  }

  function refusal(xhr) {
    var err = null;
    try { err = JSON.parse(xhr.responseText).error; } catch (e) { err = null; }
    var box = document.createElement('div');
    box.className = 'notice error';
    box.setAttribute('role', 'alert');
    box.id = 'upload-refusal';
    box.appendChild(line('', t('js-upload-refused', { status: xhr.status })));
    if (err && err.message) box.appendChild(line('', err.message));
    var dl = document.createElement('dl');
    function fact(label, value, id) {
      if (value === undefined || value === null || value === '') return;
      var dt = document.createElement('dt');
      dt.textContent = label;
      var dd = document.createElement('dd');
      dd.textContent = String(value);
      dd.id = id;
      dl.appendChild(dt);
      dl.appendChild(dd);
    }
    if (err) {
      fact(t('js-upload-rule'), err.rule, 'refusal-rule');
      fact(t('js-upload-file'), err.file, 'refusal-file');
      if (err.line) fact(t('js-upload-position'), t('js-upload-line', { line: err.line, column: err.column || 1 }), 'refusal-position');
    }
    if (dl.childNodes.length) box.appendChild(dl);
    show([box]);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = document.getElementById('package-file');
    if (!input.files || !input.files.length) return;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action'));
    xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf') || '');
    var tenant = form.getAttribute('data-tenant');
    if (tenant) xhr.setRequestHeader('X-Kiroku-Tenant', tenant);
    var body = new FormData();
    body.append('package', input.files[0]);
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    show([line('', t('js-upload-sending', { percent: 0 }))]);
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor((e.loaded / e.total) * 100);
      bar.value = percent;
      show([line('', t('js-upload-sending', { percent: percent }))]);
    });
    xhr.upload.addEventListener('load', function () {
      bar.value = 100;
      show([line('', t('js-upload-importing'))]);
    });
    xhr.addEventListener('load', function () {
      button.disabled = false;
      if (xhr.status === 201) {
        var v = JSON.parse(xhr.responseText);
        var done = line('notice info', t('js-upload-done', { title: v.title, version: v.version }));
        done.id = 'upload-done';
        show([done]);
        var back = form.getAttribute('data-query') || '';
        window.location.assign('/courses/' + encodeURIComponent(v.packageId) + back);
        return;
      }
      bar.hidden = true;
      refusal(xhr);
    });
    xhr.addEventListener('error', function () {
      button.disabled = false;
      bar.hidden = true;
      show([line('notice error', t('js-upload-failed'))]);
    });
    xhr.send(body);
  });
}());
