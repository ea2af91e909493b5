// kurskit module page: progress, drafts, „Prüfen“ and „Abgeben“ through the portal.
// The page works with native form controls; this script only sends them and shows
// the German fragments the portal answers with. It never sees a key.
(function () {
  'use strict';
  var form = document.getElementById('kk-modul');
  if (!form) { return; }
  var api = form.getAttribute('data-api');
  var questions = Array.prototype.slice.call(form.querySelectorAll('.kk-frage'));
  var progress = form.querySelector('.kk-fortschritt');
  var saved = form.querySelector('.kk-gespeichert');
  var submit = form.querySelector('.kk-abgeben');
  var status = form.querySelector('.kk-status');
  var result = form.querySelector('.kk-ergebnis');
  var timer = null;
  var OFFLINE = 'Das Lernportal ist gerade nicht erreichbar. Ihre Antworten bleiben auf ' +
    'dieser Seite erhalten; bitte versuchen Sie es gleich noch einmal.';

  function fields(qid) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name === '_xsrf') { return; }
      if (!qid || name === qid || name.indexOf(qid + '::') === 0) { pairs.push([name, value]); }
    });
    return pairs;
  }

  function answered(question) {
    var controls = question.querySelectorAll('input, select, textarea');
    var kind = question.getAttribute('data-art');
    var filled = Array.prototype.filter.call(controls, function (c) {
      return (c.type === 'radio' || c.type === 'checkbox') ? c.checked : c.value.trim() !== '';
    });
    if (kind === 'ordering') { return filled.length === controls.length && !repeated(question); }
    if (kind === 'numeric') { return filled.length > 0 && !question.querySelector('.kk-zahl').textContent; }
    return filled.length > 0;
  }

  function repeated(question) {
    var seen = {};
    return Array.prototype.some.call(question.querySelectorAll('select'), function (s) {
      if (s.value === '') { return false; }
      if (seen[s.value]) { return true; }
      seen[s.value] = true;
      return false;
    });
  }

  function hints(question) {
    var kind = question.getAttribute('data-art');
    if (kind === 'ordering') {
      question.querySelector('.kk-doppelt').textContent = repeated(question)
        ? 'Jeder Schritt darf nur einmal vorkommen.' : '';
    } else if (kind === 'numeric') {
      var text = question.querySelector('input').value.trim();
      question.querySelector('.kk-zahl').textContent =
        text && !/^[+-]?[0-9][0-9.\s]*(,[0-9]+)?$/.test(text) && !/^[+-]?[0-9]*\.[0-9]+$/.test(text)
          ? 'Bitte geben Sie eine Zahl ein, z. B. 3 oder 2,5.' : '';
    }
  }

  function showProgress() {
    if (!progress) { return; }
    var done = questions.filter(answered).length;
    progress.textContent = done + ' von ' + questions.length + ' Fragen beantwortet.';
  }

  function post(path, body, keepalive) {
    return fetch(api + path, {
      method: 'POST', credentials: 'same-origin', keepalive: !!keepalive,
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json',
        'X-XSRFToken': form.elements._xsrf ? form.elements._xsrf.value : '' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.meldung || 'Die Abgabe wurde abgelehnt (Fehler ' + response.status + ').');
        }
        return data;
      });
    }, function () { throw new Error(OFFLINE); });
  }

  var sequence = Date.now();  // rising save counter: a late, older save is ignored
  function saveDraft(keepalive) {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    sequence = Math.max(sequence + 1, Date.now());
    return post('/entwurf', { felder: fields(), folge: sequence }, keepalive).then(function () {
      if (saved) {
        var time = new Date().toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' });
        saved.innerHTML = '<em>Zwischengespeichert um ' + time + ' Uhr.</em>';
      }
    }, function () {
      if (saved) {
        saved.innerHTML = '<em>Zwischenspeichern gerade nicht möglich – Ihre Antworten ' +
          'bleiben auf dieser Seite.</em>';
      }
    });
  }

  function changed(event) {
    var question = event.target.closest('.kk-frage');
    if (question) { hints(question); }
    showProgress();
    if (timer !== null) { clearTimeout(timer); }
    timer = setTimeout(saveDraft, 1000);
  }

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  // leaving the page: send what is not saved yet, even while the page goes away
  window.addEventListener('pagehide', function () { if (timer !== null) { saveDraft(true); } });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden' && timer !== null) { saveDraft(true); }
  });

  questions.forEach(function (question) {
    var button = question.querySelector('.kk-pruefen');
    var feedback = question.querySelector('.kk-rueckmeldung');
    if (!button) { return; }
    button.addEventListener('click', function () {
      var qid = question.getAttribute('data-qid');
      if (!answered(question)) {
        feedback.innerHTML = '<p><em>Bitte antworten Sie zuerst.</em></p>';
        return;
      }
      button.disabled = true;
      post('/pruefen/' + encodeURIComponent(qid), { felder: fields(qid) }).then(function (data) {
        feedback.innerHTML = data.rueckmeldung;
        button.textContent = data.pruefen.beschriftung;
        button.disabled = data.pruefen.gesperrt;
      }, function (error) {
        feedback.innerHTML = '';
        var p = document.createElement('p');
        p.className = 'kurskit-feedback-wrong';
        p.textContent = error.message;
        feedback.appendChild(p);
        button.disabled = false;
      });
    });
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!submit || submit.disabled) { return; }
    if (timer !== null) { clearTimeout(timer); timer = null; }
    submit.disabled = true;
    status.textContent = 'Ihre Antworten werden bewertet …';
    result.innerHTML = '';
    post('/abgeben', { felder: fields() }).then(function (data) {
      status.textContent = data.meldung || '';
      Object.keys(data.fragen || {}).forEach(function (qid) {
        var question = form.querySelector('.kk-frage[data-qid="' + CSS.escape(qid) + '"]');
        if (question) { question.querySelector('.kk-rueckmeldung').innerHTML = data.fragen[qid]; }
      });
      if (data.ergebnis) {
        result.innerHTML = data.ergebnis;
        submit.textContent = 'Erneut abgeben';
      }
    }, function (error) {
      var p = document.createElement('p');
      p.className = 'kurskit-feedback-wrong';
      p.setAttribute('role', 'alert');
      p.textContent = error.message;
      status.innerHTML = '';
      status.appendChild(p);
    }).then(function () {
      submit.disabled = false;
      // the button was disabled while grading, which drops its focus: give it back
      if (document.activeElement === document.body) { submit.focus(); }
    });
  });

  questions.forEach(hints);
  showProgress();
  document.documentElement.setAttribute('data-kk-bereit', '');
  // User Timing mark: when „Abgeben“ works (read by the portal benchmark and by RUM tools)
  if (window.performance && performance.mark) { performance.mark('kk-bereit'); }
})();
