/*
 * portal.js -- the Report Abuse form, made quicker with JavaScript.  The
 * form works without it: the server builds every list and checks every
 * field.  This file only saves round trips:
 *  - the incident types, attack methods and descriptions follow the threat
 *    type at once, from GET /report/v2.0/taxonomy (nothing is written here);
 *  - rows of IPs and URLs are added and removed in the page;
 *  - fields are checked as you go by POST /report/abuse/validate, the
 *    server's own rules and words (nothing is checked here but the file's
 *    size, against the limit the page states);
 *  - the time zone follows the browser's, until you choose one.
 */
(function () {
  'use strict';
  var form = document.getElementById('report-form');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var $ = function (id) { return document.getElementById(id); };
  var sel = {
    threat: $('f-threatType'), incident: $('f-incidentType'), attack: $('f-attackMethod'),
    zone: $('f-timeZone'), date: $('f-date'), time: $('f-time')
  };
  var tax = null, touched = {}, submitted = !!$('error-summary'), timer = 0, seq = 0;
  var zoneChosen = sel.zone.value !== '';

  /* "ipAddressList[0].sourceIp" -> "f-ipAddressList-0-sourceIp", as the server makes ids. */
  function idOf(path) {
    return 'f-' + path.replace(/[^A-Za-z0-9_[\].]/g, '_').replace(/[[\].]+/g, '-').replace(/-$/, '');
  }

  /* ---- dependent lists ---- */
  function find(list, name) {
    return (list || []).filter(function (x) { return x.name === name; })[0] || null;
  }
  function threat() { return tax && find(tax.threatTypes, sel.threat.value); }
  function incident() { var t = threat(); return t && find(t.incidentTypes, sel.incident.value); }
  function fill(select, placeholder, items, label) {
    var keep = select.value;
    select.textContent = '';
    select.add(new Option(placeholder, ''));
    items.forEach(function (it) { select.add(new Option(label(it), it.name)); });
    select.value = find(items, keep) ? keep : '';
  }
  function describe(path, text) {
    var d = $(idOf(path) + '-desc');
    if (d) d.textContent = text || '';
  }
  function about(t) {
    var box = $('incident-about'), dl = box.querySelector('dl');
    dl.textContent = '';
    (t ? t.incidentTypes : []).forEach(function (i) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = i.label || i.name;
      dd.textContent = i.description || '';
      dl.append(dt, dd);
    });
    box.hidden = !t;
  }
  function sections(t) {
    form.querySelectorAll('fieldset[data-indicator]').forEach(function (s) {
      var show = !t || t.indicator === s.dataset.indicator;
      s.hidden = !show;
      s.disabled = !show;
    });
  }
  function onAttack() {
    var i = incident(), m = i && find(i.attackMethods, sel.attack.value);
    describe('attackMethod', m && m.description);
  }
  function onIncident() {
    var i = incident(), methods = i ? i.attackMethods : [];
    fill(sel.attack, 'Not specified', methods, function (m) { return m.name; });
    sel.attack.closest('.field').hidden = methods.length === 0;
    sel.attack.disabled = methods.length === 0;
    describe('incidentType', i && i.description);
    onAttack();
  }
  function onThreat() {
    var t = threat();
    fill(sel.incident, t ? 'Choose an incident type' : 'Choose a threat type first',
      t ? t.incidentTypes : [], function (i) { return i.label || i.name; });
    describe('threatType', t && t.description);
    about(t);
    sections(t);
    onIncident();
  }

  /* ---- rows ---- */
  var names = { ip: ['ipAddressList', 'IP address'], url: ['urlList', 'URL'] };
  function rows(kind) {
    return Array.prototype.slice.call($(kind + '-rows').querySelectorAll(':scope > fieldset.row'), 1);
  }
  function updateAdd(kind) {
    var sec = $(kind + '-rows');
    sec.querySelector('button.add').hidden = rows(kind).length + 1 >= +sec.dataset.max;
  }
  function renumber(kind) {
    var list = names[kind][0], noun = names[kind][1];
    rows(kind).forEach(function (row, j) {
      row.querySelectorAll('[name], [id], [for], [aria-describedby]').forEach(function (el) {
        ['name', 'id', 'for', 'aria-describedby'].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v !== null) {
            el.setAttribute(a, v.replace(new RegExp(list + '\\[\\d+\\]', 'g'), list + '[' + j + ']')
              .replace(new RegExp(list + '-\\d+-', 'g'), list + '-' + j + '-'));
          }
        });
      });
      row.querySelector('legend').textContent = noun + ' ' + (j + 2);
      var rb = row.querySelector('button.remove');
      rb.value = 'remove-' + kind + '-' + j;
      rb.textContent = 'Remove ' + noun + ' ' + (j + 2);
    });
  }
  function addRow(kind) {
    var sec = $(kind + '-rows'), n = rows(kind).length;
    if (n + 1 >= +sec.dataset.max) return;
    var html = $('tpl-' + kind + '-row').innerHTML.replace(/__i__/g, n).replace(/__n__/g, n + 2);
    sec.querySelector(':scope > .actions').insertAdjacentHTML('beforebegin', html);
    updateAdd(kind);
    rows(kind)[n].querySelector('input').focus();
  }
  function removeRow(kind, i) {
    var all = rows(kind);
    if (!all[i]) return;
    all[i].remove();
    renumber(kind);
    updateAdd(kind);
    all = rows(kind);
    (all[i] ? all[i].querySelector('input') : $(kind + '-rows').querySelector('button.add:not([hidden])') ||
      $(kind + '-rows').querySelector('input')).focus();
    schedule();
  }

  /* ---- the time zone ---- */
  function browserZone() {
    var d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(sel.date.value.trim());
    var t = /^(\d{1,2}):(\d{2})/.exec(sel.time.value.trim());
    var when = d ? new Date(+d[1], d[2] - 1, +d[3], t ? +t[1] : 12, t ? +t[2] : 0) : new Date();
    var m = -when.getTimezoneOffset(), a = Math.abs(m);
    var two = function (x) { return (x < 10 ? '0' : '') + x; };
    return (m < 0 ? '-' : '+') + two(Math.floor(a / 60)) + ':' + two(a % 60);
  }
  function autoZone() {
    var v = browserZone();
    if (!zoneChosen && find(Array.prototype.map.call(sel.zone.options, function (o) { return { name: o.value }; }), v)) {
      sel.zone.value = v;
    }
  }
  /* A zone nobody chose says nothing when no date or time is given: it is not sent. */
  function zoneUnsaid() {
    return !zoneChosen && !sel.date.value.trim() && !sel.time.value.trim();
  }

  /* ---- checking as you go ---- */
  function setError(el, msgs) {
    var field = el.closest('.field'), id = el.id + '-error', p = $(id);
    var described = (el.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== id; });
    if (msgs && msgs.length) {
      if (!p) {
        p = document.createElement('p');
        p.className = 'field-error';
        p.id = id;
        var anchor = el.closest('.with-button, .check');
        if (anchor && anchor.classList.contains('check')) field.append(p);
        else field.insertBefore(p, anchor || el);
      }
      p.textContent = '';
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = 'Error: ';
      p.append(hidden);
      msgs.forEach(function (m, i) {
        if (i) p.append(document.createElement('br'));
        p.append(document.createTextNode(m));
      });
      described.push(id);
      el.setAttribute('aria-invalid', 'true');
      field.classList.add('invalid');
    } else {
      if (p) p.remove();
      el.removeAttribute('aria-invalid');
      field.classList.remove('invalid');
    }
    if (described.length) el.setAttribute('aria-describedby', described.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  function labelOf(el) {
    var l = form.querySelector('label[for="' + el.id + '"]');
    var text = l ? l.firstChild.textContent.trim() : el.name;
    var row = el.closest('fieldset.row');
    return row ? row.querySelector('legend').textContent + ', ' + text : text;
  }
  function summarize(errors) {
    var box = $('error-summary'), keys = Object.keys(errors);
    if (!box) return;
    var ul = box.querySelector('ul');
    ul.textContent = '';
    keys.forEach(function (k) {
      var el = $(idOf(k));
      errors[k].forEach(function (m) {
        var li = document.createElement('li'), a = document.createElement(el ? 'a' : 'span');
        if (el) a.href = '#' + el.id;
        a.textContent = (el ? labelOf(el) : k) + ': ' + m;
        li.append(a);
        ul.append(li);
      });
    });
    box.querySelector('h2').textContent = keys.length ? 'The report has ' + keys.length + ' problem' +
      (keys.length === 1 ? '' : 's') : 'No problems left: submit when you are ready';
    var notice = box.querySelector('p');
    if (notice && keys.length) notice.hidden = true;
  }
  function show(errors) {
    form.querySelectorAll('input[name], select[name], textarea[name]').forEach(function (el) {
      if (!el.id || el.type === 'hidden' || el.type === 'file' || el.name === 'website') return;
      if (submitted || touched[el.name]) setError(el, errors[el.name]);
    });
    if (submitted) summarize(errors);
  }
  function validate() {
    var body = new URLSearchParams(), mine = ++seq;
    new FormData(form).forEach(function (v, k) {
      if (typeof v === 'string' && k !== '_action' && !(k === 'timeZone' && zoneUnsaid())) body.append(k, v);
    });
    fetch(form.dataset.validate, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) {
        /* 200 or 400 carry the answer; anything else (429: too many checks) leaves the page as it is */
        return r.status === 200 || r.status === 400 ? r.json() : Promise.reject(new Error(r.status));
      })
      .then(function (res) { if (mine === seq) show(res.errors || {}); })
      .catch(function () { /* the server checks again on submit */ });
  }
  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(validate, ms || 250);
  }
  function checkFile(el) {
    var f = el.files && el.files[0];
    setError(el, f && f.size > +el.dataset.maxBytes ? [el.dataset.tooLarge] : null);
    return !(f && f.size > +el.dataset.maxBytes);
  }

  /* ---- events ---- */
  form.addEventListener('change', function (ev) {
    var el = ev.target;
    if (tax && el === sel.threat) onThreat();
    else if (tax && el === sel.incident) onIncident();
    else if (tax && el === sel.attack) onAttack();
    if (el === sel.zone) zoneChosen = true;
    if (el === sel.date || el === sel.time) autoZone();
    if (el.type === 'file') { checkFile(el); return; }
    if (el.name) { touched[el.name] = true; schedule(); }
  });
  form.addEventListener('input', function (ev) {
    if (ev.target.getAttribute('aria-invalid') === 'true') schedule(600);
  });
  form.addEventListener('click', function (ev) {
    var b = ev.target.closest('button[name="_action"]');
    var m = b && /^(add|remove)-(ip|url)(?:-(\d+))?$/.exec(b.value);
    if (!m) return;
    ev.preventDefault();
    if (m[1] === 'add') addRow(m[2]);
    else removeRow(m[2], +m[3]);
  });
  /* A link of the error summary puts the focus in its field, not only the view. */
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest('#error-summary a[href^="#f-"]');
    var el = a && $(a.getAttribute('href').slice(1));
    if (!el) return;
    ev.preventDefault();
    el.closest('.field').scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
  });
  form.addEventListener('submit', function (ev) {
    var b = ev.submitter, file = $('f-attachment');
    if (b && b.value && b.value !== 'submit') return;
    submitted = true;
    if (file && !checkFile(file)) {
      ev.preventDefault();
      file.focus();
      return;
    }
    if (zoneUnsaid()) sel.zone.value = '';
  });

  autoZone();
  var summary = $('error-summary');
  if (summary) summary.focus();
  fetch(form.dataset.taxonomy, { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error(r.status)); })
    .then(function (t) {
      tax = t;
      document.querySelectorAll('.nojs').forEach(function (e) { e.remove(); });
    })
    .catch(function () { /* the Update choices button stays and does the work */ });
})();
