/*
 * Parley website chat widget, served at /webchat/widget.js. Embed with
 *   <script src="https://parley.example.com/webchat/widget.js" data-channel="<channel id>" async></script>
 * No framework and no globals: everything lives in an open shadow root (styles cannot leak in
 * or out). Every text from the server or the visitor is rendered with textContent, never HTML.
 * Live replies use socket.io's wire protocol over a plain WebSocket (namespace /webchat).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var channelId = script.getAttribute('data-channel') || '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(channelId)) return;
  var base = String(script.src).replace(/\/webchat\/widget\.js(?:[?#].*)?$/, '');
  var TOKEN_KEY = 'parley-webchat:' + channelId;
  var hostId = 'parley-webchat-' + channelId;
  if (document.getElementById(hostId)) return;

  var store = {
    get: function () { try { return window.localStorage.getItem(TOKEN_KEY); } catch (e) { return null; } },
    set: function (v) { try { window.localStorage.setItem(TOKEN_KEY, v); } catch (e) { /* private mode */ } },
    del: function () { try { window.localStorage.removeItem(TOKEN_KEY); } catch (e) { /* private mode */ } },
  };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = String(text);
    return e;
  }

  function uid() {
    var a = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function api(method, path, body, headers) {
    var h = headers || {};
    var token = store.get();
    if (token) h.authorization = 'Bearer ' + token;
    var init = { method: method, headers: h };
    if (body !== undefined) {
      if (body instanceof Blob) init.body = body;
      else { h['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    }
    return fetch(base + '/webchat/' + encodeURIComponent(channelId) + path, init).then(function (res) {
      return res.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = new Error((data && data.error && data.error.message) || ('HTTP ' + res.status));
          err.status = res.status;
          err.code = data && data.error && data.error.code;
          throw err;
        }
        return data;
      });
    });
  }

  var CSS = [
    ':host{all:initial}',
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
    '.wrap{position:fixed;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;gap:12px}',
    '.wrap.right{right:20px;align-items:flex-end}.wrap.left{left:20px;align-items:flex-start}',
    '.launcher{width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:var(--pc);color:#fff;box-shadow:0 6px 18px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}',
    '.launcher svg{width:28px;height:28px;fill:#fff}',
    '.panel{width:min(360px,calc(100vw - 40px));height:min(520px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}',
    '.panel[hidden]{display:none}',
    '.head{background:var(--pc);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between;gap:8px}',
    '.title{font-size:16px;font-weight:600;margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    '.close{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:0 4px}',
    '.list{flex:1;overflow-y:auto;padding:12px;margin:0;list-style:none;background:#f6f7f9;display:flex;flex-direction:column;gap:6px}',
    '.msg{max-width:80%;padding:8px 11px;border-radius:12px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere;color:#111827}',
    '.msg.out{align-self:flex-start;background:#fff;border:1px solid #e5e7eb}',
    '.msg.in{align-self:flex-end;background:var(--pc);color:#fff}',
    '.msg.greeting{align-self:flex-start;background:#fff;border:1px dashed #cbd5e1}',
    '.msg.pending{opacity:.6}.msg.failed{outline:2px solid #dc2626}',
    '.msg img{display:block;max-width:100%;border-radius:8px;margin-bottom:4px}',
    '.buttons{display:flex;flex-wrap:wrap;gap:4px;margin-top:6px}.buttons span{border:1px solid #cbd5e1;border-radius:999px;padding:2px 8px;font-size:12px}',
    '.typing{font-size:12px;color:#6b7280;padding:0 14px 6px;background:#f6f7f9;min-height:18px}',
    '.composer{display:flex;gap:6px;padding:10px;border-top:1px solid #e5e7eb;background:#fff;align-items:center}',
    '.composer input[type=text]{flex:1;min-width:0;border:1px solid #d1d5db;border-radius:999px;padding:9px 14px;font-size:14px;outline:none}',
    '.composer input[type=text]:focus{border-color:var(--pc)}',
    '.icon{border:0;background:transparent;cursor:pointer;color:#4b5563;padding:6px;font-size:18px;line-height:1}',
    '.send{border:0;border-radius:999px;background:var(--pc);color:#fff;padding:9px 14px;cursor:pointer;font-size:14px}',
    '.form{padding:16px;display:flex;flex-direction:column;gap:10px;background:#fff;border-top:1px solid #e5e7eb}',
    '.form label{font-size:13px;color:#374151;display:flex;flex-direction:column;gap:4px}',
    '.form input{border:1px solid #d1d5db;border-radius:8px;padding:8px 10px;font-size:14px}',
    '.error{color:#b91c1c;font-size:12px;padding:0 12px 6px;background:#fff}',
    '.hidden{display:none!important}',
  ].join('\n');

  var cfg = null;
  var shadow = null;
  var ui = {};
  var seen = {};
  var socket = null;
  var open = false;
  var typingTimer = null;

  function setError(text) {
    ui.error.textContent = text || '';
    ui.error.classList.toggle('hidden', !text);
  }

  function render(m, pendingEl) {
    if (m.id && seen[m.id]) return;
    if (m.clientId && seen['c:' + m.clientId] && seen['c:' + m.clientId] !== true) pendingEl = seen['c:' + m.clientId];
    var li = pendingEl || el('li');
    li.className = 'msg ' + (m.direction === 'in' ? 'in' : 'out');
    li.textContent = '';
    li.setAttribute('data-id', m.id || '');
    if (m.media && m.media.url && /^https?:\/\//i.test(m.media.url) && /^image\//.test(m.media.mimeType || 'image/')) {
      var img = el('img', { alt: m.media.filename || 'image', loading: 'lazy' });
      img.src = m.media.url;
      li.appendChild(img);
    } else if (m.media && m.media.url && /^https?:\/\//i.test(m.media.url)) {
      var a = el('a', { href: m.media.url, target: '_blank', rel: 'noopener noreferrer' }, m.media.filename || 'Attachment');
      li.appendChild(a);
    }
    if (m.text) li.appendChild(document.createTextNode(m.text));
    if (m.buttons && m.buttons.length) {
      var bs = el('div', { class: 'buttons' });
      m.buttons.forEach(function (b) { bs.appendChild(el('span', null, b.title)); });
      li.appendChild(bs);
    }
    if (m.id) seen[m.id] = true;
    if (m.clientId) seen['c:' + m.clientId] = true;
    if (!pendingEl) ui.list.appendChild(li);
    ui.list.scrollTop = ui.list.scrollHeight;
  }

  function showTyping(on) {
    clearTimeout(typingTimer);
    ui.typing.textContent = on ? 'Typing\u2026' : '';
    if (on) typingTimer = setTimeout(function () { ui.typing.textContent = ''; }, 15000);
  }

  function loadHistory() {
    if (!store.get()) return Promise.resolve();
    return api('GET', '/messages?limit=100').then(function (page) {
      page.data.slice().reverse().forEach(function (m) { render(m); });
    }).catch(function (err) {
      if (err.status === 401) { store.del(); updateForm(); }
    });
  }

  // socket.io v5 protocol (engine.io v4) over a WebSocket: 0 open, 2 ping → 3 pong, 40 connect, 42 event, 44 error
  var retries = 0;
  function connect() {
    var token = store.get();
    if (!token || socket) return;
    var url = base.replace(/^http/i, 'ws') + '/socket.io/?EIO=4&transport=websocket';
    var ws;
    try { ws = new WebSocket(url); } catch (e) { return; }
    socket = ws;
    ws.onmessage = function (ev) {
      var data = String(ev.data);
      if (data === '2') { ws.send('3'); return; }
      if (data.charAt(0) === '0') { ws.send('40/webchat,' + JSON.stringify({ token: token })); return; }
      if (data.indexOf('40/webchat') === 0) { if (retries > 0) loadHistory(); retries = 0; return; }
      if (data.indexOf('44/webchat') === 0) { ws.close(); return; }
      if (data.indexOf('42/webchat,') === 0) {
        var payload;
        try { payload = JSON.parse(data.slice('42/webchat,'.length)); } catch (e) { return; }
        var name = payload[0], body = payload[1] || {};
        if (name === 'message' && body.message) { if (body.message.direction === 'out') showTyping(false); render(body.message); }
        else if (name === 'typing') showTyping(!!body.on);
      }
    };
    ws.onclose = function () {
      socket = null;
      retries++;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, Math.min(retries, 6))));
    };
  }

  function ensureVisitor(details) {
    if (store.get()) return Promise.resolve();
    return api('POST', '/visitors', details || {}).then(function (v) {
      store.set(v.token);
      connect();
    });
  }

  function needsForm() {
    return !store.get() && cfg && (cfg.askName || cfg.askEmail);
  }

  function updateForm() {
    var form = needsForm();
    ui.form.classList.toggle('hidden', !form);
    ui.composer.classList.toggle('hidden', !!form);
  }

  function sendText(text) {
    var clientId = uid();
    var li = el('li', { class: 'msg in pending' }, text);
    ui.list.appendChild(li);
    ui.list.scrollTop = ui.list.scrollHeight;
    seen['c:' + clientId] = li;
    ensureVisitor().then(function () {
      return api('POST', '/messages', { id: clientId, text: text });
    }).then(function (r) {
      li.classList.remove('pending');
      render(r.message, li);
    }).catch(function (err) {
      li.classList.remove('pending');
      li.classList.add('failed');
      setError(err.message);
    });
  }

  function sendImage(file) {
    if (!/^image\/(png|jpeg)$/.test(file.type)) { setError('Only PNG or JPEG images can be sent.'); return; }
    if (file.size > 5 * 1024 * 1024) { setError('Images may be at most 5 MB.'); return; }
    var clientId = uid();
    var li = el('li', { class: 'msg in pending' }, file.name);
    ui.list.appendChild(li);
    seen['c:' + clientId] = li;
    ensureVisitor().then(function () {
      return api('POST', '/messages?id=' + clientId + '&filename=' + encodeURIComponent(file.name.slice(0, 200)), file, { 'content-type': file.type });
    }).then(function (r) {
      li.classList.remove('pending');
      render(r.message, li);
    }).catch(function (err) {
      li.classList.remove('pending');
      li.classList.add('failed');
      setError(err.message);
    });
  }

  function toggle(force) {
    open = typeof force === 'boolean' ? force : !open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    if (open) { updateForm(); if (!needsForm()) ui.input.focus(); }
  }

  function build() {
    var host = el('div', { id: hostId, 'data-parley-webchat': '' });
    document.body.appendChild(host);
    shadow = host.attachShadow({ mode: 'open' });
    var style = el('style');
    style.textContent = CSS;
    shadow.appendChild(style);
    var color = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(cfg.color) ? cfg.color : '#0f766e';
    var wrap = el('div', { class: 'wrap ' + (cfg.position === 'left' ? 'left' : 'right'), part: 'wrap' });
    wrap.style.setProperty('--pc', color);

    ui.panel = el('section', { class: 'panel', role: 'dialog', 'aria-label': cfg.name });
    ui.panel.hidden = true;
    var head = el('header', { class: 'head' });
    head.appendChild(el('h2', { class: 'title' }, cfg.name));
    var close = el('button', { class: 'close', type: 'button', 'aria-label': 'Close chat' }, '\u00d7');
    close.addEventListener('click', function () { toggle(false); });
    head.appendChild(close);
    ui.panel.appendChild(head);

    ui.list = el('ol', { class: 'list', 'aria-live': 'polite' });
    if (cfg.greeting) ui.list.appendChild(el('li', { class: 'msg greeting' }, cfg.greeting));
    ui.panel.appendChild(ui.list);
    ui.typing = el('div', { class: 'typing', 'aria-live': 'polite' });
    ui.panel.appendChild(ui.typing);
    ui.error = el('div', { class: 'error hidden', role: 'alert' });
    ui.panel.appendChild(ui.error);

    ui.form = el('form', { class: 'form hidden' });
    var nameInput = null, emailInput = null;
    if (cfg.askName) {
      var ln = el('label', null, 'Your name');
      nameInput = el('input', { name: 'name', type: 'text', maxlength: '100', required: '', autocomplete: 'name' });
      ln.appendChild(nameInput);
      ui.form.appendChild(ln);
    }
    if (cfg.askEmail) {
      var le = el('label', null, 'Your e-mail');
      emailInput = el('input', { name: 'email', type: 'email', maxlength: '254', required: '', autocomplete: 'email' });
      le.appendChild(emailInput);
      ui.form.appendChild(le);
    }
    ui.form.appendChild(el('button', { class: 'send', type: 'submit' }, 'Start chat'));
    ui.form.addEventListener('submit', function (e) {
      e.preventDefault();
      setError('');
      ensureVisitor({ name: nameInput ? nameInput.value : undefined, email: emailInput ? emailInput.value : undefined })
        .then(function () { updateForm(); ui.input.focus(); })
        .catch(function (err) { setError(err.message); });
    });
    ui.panel.appendChild(ui.form);

    ui.composer = el('div', { class: 'composer' });
    var file = el('input', { type: 'file', accept: 'image/png,image/jpeg', class: 'hidden', 'aria-hidden': 'true' });
    var attach = el('button', { class: 'icon', type: 'button', 'aria-label': 'Send an image', title: 'Send an image' }, '\ud83d\udcce');
    attach.addEventListener('click', function () { file.click(); });
    file.addEventListener('change', function () {
      if (file.files && file.files[0]) sendImage(file.files[0]);
      file.value = '';
    });
    ui.input = el('input', { type: 'text', maxlength: '4000', placeholder: 'Write a message\u2026', 'aria-label': 'Message', enterkeyhint: 'send' });
    var send = el('button', { class: 'send', type: 'button' }, 'Send');
    function submit() {
      var text = ui.input.value.trim();
      if (!text) return;
      setError('');
      ui.input.value = '';
      sendText(text);
    }
    ui.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    });
    send.addEventListener('click', submit);
    ui.composer.appendChild(attach);
    ui.composer.appendChild(file);
    ui.composer.appendChild(ui.input);
    ui.composer.appendChild(send);
    ui.panel.appendChild(ui.composer);

    ui.launcher = el('button', { class: 'launcher', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false' });
    var svgNs = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    var path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    ui.launcher.appendChild(svg);
    ui.launcher.addEventListener('click', function () { toggle(); });

    wrap.appendChild(ui.panel);
    wrap.appendChild(ui.launcher);
    shadow.appendChild(wrap);
    updateForm();
  }

  function start() {
    api('GET', '/config').then(function (c) {
      cfg = c;
      build();
      loadHistory().then(connect);
    }).catch(function () { /* unknown or disconnected channel: show nothing */ });
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
