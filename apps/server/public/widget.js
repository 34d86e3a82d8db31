/*
 * Earshot web chat widget. Put on a page:
 *   <script src="https://<your earshot>/widget.js" data-channel="<web chat channel id>" async></script>
 * Vanilla JS, no inline script or style attributes (styles are set through the CSSOM), so it runs
 * under a strict Content-Security-Policy (allow the Earshot origin in script-src and connect-src).
 * Messages are rendered with textContent: nothing an agent or visitor types is interpreted as HTML.
 * New messages are pushed: a server-sent event stream read with fetch (so the visitor token travels in a
 * header, never in a URL), resumed after a drop with Last-Event-ID; polling only where a browser cannot
 * read a response as a stream.
 */
/* global window, document */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var channel = script.getAttribute('data-channel') || '';
  if (!/^[0-9a-f-]{36}$/i.test(channel)) return;
  var base = new URL(script.src).origin + '/api/v1/site/' + channel + '/chat';
  var storeKey = 'earshot-visitor:' + channel;
  var token = null;
  try { token = window.localStorage.getItem(storeKey); } catch { token = null; }
  var seen = {};
  var last = null;
  var timer = null;
  var open = false;
  var cursor = null;
  var streaming = false;
  var failures = 0;
  var canStream = typeof window.ReadableStream === 'function' && typeof window.TextDecoder === 'function' && typeof window.AbortController === 'function';

  function css(el, styles) { for (var k in styles) el.style[k] = styles[k]; return el; }
  function make(tag, styles, text) { var el = css(document.createElement(tag), styles || {}); if (text) el.textContent = text; return el; }

  var button = make('button', { position: 'fixed', right: '20px', bottom: '20px', zIndex: '2147483000', padding: '12px 16px', borderRadius: '24px', border: '0', background: '#1d4ed8', color: '#fff', font: '14px system-ui, sans-serif', cursor: 'pointer' }, 'Chat with us');
  button.type = 'button';
  var panel = make('div', { position: 'fixed', right: '20px', bottom: '72px', zIndex: '2147483000', width: '320px', maxHeight: '460px', display: 'none', flexDirection: 'column', background: '#fff', border: '1px solid #d4d4d8', borderRadius: '12px', boxShadow: '0 8px 24px rgba(0,0,0,.15)', font: '14px system-ui, sans-serif', color: '#18181b' });
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'Chat');
  var list = make('div', { flex: '1', overflowY: 'auto', padding: '12px', minHeight: '200px' });
  list.setAttribute('aria-live', 'polite');
  var form = make('form', { display: 'flex', borderTop: '1px solid #e4e4e7' });
  var input = make('input', { flex: '1', border: '0', padding: '10px', font: 'inherit' });
  input.placeholder = 'Type your message…';
  input.maxLength = 5000;
  input.setAttribute('aria-label', 'Message');
  var send = make('button', { border: '0', background: 'transparent', color: '#1d4ed8', padding: '0 12px', font: 'inherit', cursor: 'pointer' }, 'Send');
  send.type = 'submit';
  form.appendChild(input);
  form.appendChild(send);
  var idForm = make('form', { display: 'flex', borderTop: '1px solid #e4e4e7', fontSize: '12px' });
  var email = make('input', { flex: '1', border: '0', padding: '8px 10px', font: 'inherit' });
  email.type = 'email';
  email.placeholder = 'Your email, so we can follow up';
  email.setAttribute('aria-label', 'Email');
  var save = make('button', { border: '0', background: 'transparent', color: '#1d4ed8', padding: '0 12px', font: 'inherit', cursor: 'pointer' }, 'Save');
  save.type = 'submit';
  idForm.appendChild(email);
  idForm.appendChild(save);
  panel.appendChild(list);
  panel.appendChild(form);
  panel.appendChild(idForm);

  function call(method, path, body) {
    var headers = { 'content-type': 'application/json' };
    if (token) headers['x-earshot-visitor'] = token;
    return fetch(base + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' })
      .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); });
  }

  function ensureSession() {
    if (token) return Promise.resolve();
    return call('POST', '/sessions').then(function (s) {
      token = s.token;
      try { window.localStorage.setItem(storeKey, token); } catch { /* private mode: the session lasts for this page */ }
    });
  }

  function show(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var mine = m.from === 'visitor';
    var row = make('div', { margin: '6px 0', textAlign: mine ? 'right' : 'left' });
    var bubble = make('div', { display: 'inline-block', maxWidth: '85%', padding: '8px 10px', borderRadius: '10px', background: mine ? '#dbeafe' : '#f4f4f5', whiteSpace: 'pre-wrap', wordBreak: 'break-word', textAlign: 'left' }, m.text);
    if (!mine && m.agentName) bubble.insertBefore(make('div', { fontSize: '11px', color: '#52525b', marginBottom: '2px' }, m.agentName), bubble.firstChild);
    row.appendChild(bubble);
    list.appendChild(row);
    list.scrollTop = list.scrollHeight;
  }

  // Fallback for browsers that cannot stream a response: poll every 3 s while open, 20 s closed.
  function poll() {
    if (!token) return Promise.resolve();
    return call('GET', '/messages' + (last ? '?after=' + encodeURIComponent(last) : '')).then(function (r) {
      r.items.forEach(function (m) { show(m); last = m.sentAt; });
    }).catch(function () { /* offline for a moment: the next poll catches up */ });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { poll().then(schedule); }, open ? 3000 : 20000);
  }

  // One complete server-sent event (the lines before a blank line): `messages` events carry new messages
  // and, as their id, the cursor a reconnect resumes from.
  function dispatch(block) {
    var type = 'message';
    var data = [];
    var id = null;
    block.split('\n').forEach(function (line) {
      if (line === '' || line.charAt(0) === ':') return;
      var c = line.indexOf(':');
      var field = c < 0 ? line : line.slice(0, c);
      var value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    });
    if (type !== 'messages') return;
    try { JSON.parse(data.join('\n')).items.forEach(show); } catch { return; }
    if (id !== null) cursor = id;
    failures = 0;
  }

  function connect() {
    if (!token || streaming) return;
    if (!canStream) { poll().then(schedule); return; }
    streaming = true;
    clearTimeout(timer);
    var headers = { 'x-earshot-visitor': token, accept: 'text/event-stream' };
    if (cursor) headers['last-event-id'] = cursor;
    fetch(base + '/stream', { headers: headers, credentials: 'omit', cache: 'no-store' }).then(function (res) {
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      var reader = res.body.getReader();
      var decoder = new window.TextDecoder();
      var buffer = '';
      function read() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
          var end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
          return read();
        });
      }
      return read();
    }).catch(function () { failures += 1; }).then(function () {
      // Dropped (network, server restart, a proxy's timeout): back again with the cursor, nothing missed.
      streaming = false;
      timer = setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))) * (0.75 + Math.random() * 0.5));
    });
  }

  function clientId() {
    var a = new Uint8Array(12);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    ensureSession()
      .then(function () { return call('POST', '/messages', { clientMessageId: clientId(), text: text }); })
      // Shown once ingested (pushed a moment later), so the visitor sees exactly what the agent sees.
      .then(function () { if (canStream) connect(); else setTimeout(function () { poll(); }, 600); })
      .catch(function () { input.value = text; });
  });

  idForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!email.value) return;
    ensureSession().then(function () { return call('POST', '/identify', { email: email.value }); })
      .then(function () { idForm.style.display = 'none'; }).catch(function () { /* keep the form to retry */ });
  });

  button.addEventListener('click', function () {
    open = !open;
    panel.style.display = open ? 'flex' : 'none';
    if (open) { input.focus(); if (!canStream) poll().then(schedule); }
  });

  function mount() { document.body.appendChild(panel); document.body.appendChild(button); if (token) connect(); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
