/*
 * 征兵咨询助手 chat widget (Enlist Assistant). No framework, no build step, plain ES2017
 * so that it runs in WeChat's in-app browser. Embed with one tag:
 *
 *   <script src="https://BOT-SERVICE/widget.js" data-server="https://RASA-SERVER"
 *           data-title="征兵咨询助手" data-open="false" data-color="#b3261e" defer></script>
 *
 * It talks to Rasa's REST channel (POST {server}/webhooks/rest/webhook) and sends 👍/👎
 * to {bot service}/feedback. During a live hand-off (转人工) it receives the recruiter's
 * replies from {bot service}/handoff/stream (server-sent events), or polls
 * {bot service}/handoff/messages where a stream cannot stay open. Everything the bot or the user sends is put into the page
 * with createElement/textContent (light Markdown is parsed here; no HTML parsing sink is used).
 */
(function () {
  'use strict';

  if (window.EnlistChat) return; // loaded twice: keep the first
  window.EnlistChat = {};

  var script = document.currentScript || (function () {
    var found = document.querySelectorAll('script[src*="widget.js"]');
    return found[found.length - 1];
  })();

  const STORAGE_VERSION = 1;
  const MAX_STORED_MESSAGES = 150;
  const MAX_BUTTONS = 12;
  const REQUEST_TIMEOUT_MS = 20000;
  const META_KEY = 'enlist_message';
  const HANDOFF_KEY = 'enlist_handoff';
  const HANDOFF_POLL_MS = 2000;
  const HANDOFF_DONE = { ended: true, expired: true };
  const DEFAULT_COLOR = '#b3261e';
  const TEXT = {
    title: '征兵咨询助手',
    launcher: '征兵咨询',
    restart: '重新开始',
    close: '收起对话',
    inputLabel: '输入您的问题',
    placeholder: '请输入您的问题',
    send: '发送',
    typing: '助手正在输入…',
    note: '智能问答，仅供参考，以征兵办审核为准',
    failed: '发送失败：暂时无法连接到咨询服务。您的消息已保留，请检查网络后点击“重试”。',
    retry: '重试',
    helpful: '有帮助',
    notHelpful: '没有帮助',
    thanks: '谢谢您的反馈！',
    voteFailed: '反馈未能提交，请稍后再试。',
    image: '图片',
    restarted: '已开始新的对话。',
    unexpected: '服务返回了无法识别的内容，请稍后再试。',
    staff: '工作人员'
  };

  // ---- configuration from the script tag ------------------------------------------------

  function scriptOrigin() {
    try {
      return new URL(script.src, location.href).origin;
    } catch (e) {
      return location.origin;
    }
  }

  function trimSlash(url) {
    return String(url || '').replace(/\/+$/, '');
  }

  function readConfig() {
    const data = (script && script.dataset) || {};
    const base = scriptOrigin();
    const server = trimSlash(data.server || base);
    return {
      server: server,
      chatUrl: server + '/webhooks/rest/webhook',
      feedbackUrl: trimSlash(data.feedback || base) + '/feedback',
      handoffUrl: trimSlash(data.feedback || base) + '/handoff',
      cssUrl: base + '/widget.css',
      title: data.title || TEXT.title,
      open: data.open === 'true',
      color: parseColor(data.color) || DEFAULT_COLOR
    };
  }

  function parseColor(value) {
    const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || '').trim());
    if (!match) return null;
    let hex = match[1];
    if (hex.length === 3) hex = hex.split('').map(function (c) { return c + c; }).join('');
    return '#' + hex.toLowerCase();
  }

  // WCAG relative luminance and contrast ratio, to keep any chosen colour readable (AA).
  function luminance(hex) {
    const channels = [1, 3, 5].map(function (i) {
      const c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    const la = luminance(a);
    const lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function accentColors(color) {
    const dark = '#1f2328';
    return {
      accent: color,
      onAccent: contrast(color, '#ffffff') >= 4.5 ? '#ffffff' : dark,
      accentText: contrast(color, '#ffffff') >= 4.5 ? color : dark
    };
  }

  // ---- storage (localStorage when the browser allows it, else memory) ----------------------

  function makeStorage(key) {
    let memory = null;
    function local() {
      try {
        return window.localStorage;
      } catch (e) {
        return null;
      }
    }
    return {
      load: function () {
        try {
          const raw = local() ? local().getItem(key) : memory;
          const value = raw ? JSON.parse(raw) : null;
          return value && value.v === STORAGE_VERSION && Array.isArray(value.messages) ? value : null;
        } catch (e) {
          return null;
        }
      },
      save: function (value) {
        const raw = JSON.stringify(value);
        memory = raw;
        try {
          if (local()) local().setItem(key, raw);
        } catch (e) {
          // Quota or privacy mode: the conversation still works, it just won't survive a reload.
        }
      }
    };
  }

  function randomHex(length) {
    const bytes = new Uint8Array(Math.ceil(length / 2));
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('').slice(0, length);
  }

  function newSenderId() {
    return 'w-' + randomHex(24);
  }

  function newMessageId() {
    return 'w' + randomHex(24);
  }

  // ---- DOM helpers and light Markdown ----------------------------------------------------

  function wideScreen() {
    return window.matchMedia ? window.matchMedia('(min-width: 640px)').matches : true;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Icons as inline SVG (Material Icons paths, Apache-2.0): emoji fonts are missing on
  // some phones and would show as empty boxes.
  const ICONS = {
    chat: 'M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z',
    up: 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z',
    down: 'M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z'
  };

  function icon(name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('class', 'enlist-icon');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function safeUrl(raw) {
    if (typeof raw !== 'string' || !/^https?:\/\//i.test(raw.trim())) return null;
    try {
      const url = new URL(raw.trim());
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(href, text) {
    const a = el('a', 'enlist-link', text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  // **bold**, [text](http(s) URL, one level of parentheses allowed), bare http(s) URLs.
  const INLINE_SOURCE = '\\*\\*(.+?)\\*\\*' +
    '|\\[([^\\]\\n]+)\\]\\(((?:[^()\\s]|\\([^()\\s]*\\))+)\\)' +
    '|(https?:\\/\\/[^\\s<>()（）\\[\\]，。；、“”"\']+)';

  function renderInline(text, parent) {
    const pattern = new RegExp(INLINE_SOURCE, 'g');
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        const strong = el('strong');
        renderInline(match[1], strong);
        parent.appendChild(strong);
      } else if (match[2] !== undefined) {
        const href = safeUrl(match[3]);
        parent.appendChild(href ? link(href, match[2]) : document.createTextNode(match[0]));
      } else {
        const href = safeUrl(match[4]);
        parent.appendChild(href ? link(href, match[4]) : document.createTextNode(match[0]));
      }
      last = pattern.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderMarkdown(text, container) {
    let list = null;
    let paragraph = null;
    String(text).replace(/\r\n?/g, '\n').split('\n').forEach(function (rawLine) {
      const line = rawLine.replace(/\s+$/, '');
      const bullet = /^\s*[-*•]\s+(.+)$/.exec(line);
      const ordered = /^\s*(\d{1,3})[.)]\s+(.+)$/.exec(line);
      if (!line.trim()) {
        list = null;
        paragraph = null;
      } else if (bullet || ordered) {
        const tag = bullet ? 'ul' : 'ol';
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = el(tag, 'enlist-list');
          if (ordered && ordered[1] !== '1') list.start = Number(ordered[1]);
          container.appendChild(list);
        }
        const item = el('li');
        renderInline(bullet ? bullet[1] : ordered[2], item);
        list.appendChild(item);
        paragraph = null;
      } else {
        list = null;
        if (paragraph) {
          paragraph.appendChild(el('br'));
        } else {
          paragraph = el('p', 'enlist-p');
          container.appendChild(paragraph);
        }
        renderInline(line, paragraph);
      }
    });
  }

  // ---- what the bot sends ------------------------------------------------------------------

  function cleanButtons(buttons) {
    if (!Array.isArray(buttons)) return [];
    return buttons.filter(function (b) {
      return b && typeof b.title === 'string' && typeof b.payload === 'string' && b.title.trim() && b.payload.trim();
    }).slice(0, MAX_BUTTONS).map(function (b) { return { title: b.title, payload: b.payload }; });
  }

  // Rasa's REST channel sends the custom JSON of a message as a separate item right after
  // it; the answering action's {"enlist_message": {...}} names the message and its FAQ.
  function botMessages(replies) {
    const messages = [];
    replies.forEach(function (reply) {
      if (!reply || typeof reply !== 'object') return;
      if (reply.custom && typeof reply.custom === 'object' && reply.custom[HANDOFF_KEY]) return;
      const meta = reply.custom && typeof reply.custom === 'object' ? reply.custom[META_KEY] : null;
      if (meta && typeof meta === 'object') {
        const previous = messages[messages.length - 1];
        if (previous && !previous.serverId && typeof meta.message_id === 'string') {
          previous.id = meta.message_id;
          previous.serverId = true;
          previous.faqId = typeof meta.faq_id === 'string' ? meta.faq_id : null;
        }
        return;
      }
      const text = typeof reply.text === 'string' ? reply.text : '';
      const image = safeUrl(reply.image);
      const buttons = cleanButtons(reply.buttons);
      if (!text && !image && !buttons.length) return;
      messages.push({ id: newMessageId(), from: 'bot', text: text, image: image, buttons: buttons, faqId: null, vote: 0 });
    });
    return messages;
  }

  // ---- talking to the servers --------------------------------------------------------------

  function ChatError(kind, message) {
    this.kind = kind; // 'rejected': the server refused this message; 'unreachable': try again
    this.message = message;
  }

  async function postJson(url, body) {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller ? controller.signal : undefined
      });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  // ``messageId`` stays the same when the student taps "重试": the server answers a retry of
  // a message it already processed with the same replies instead of processing it twice.
  async function postChat(url, sender, message, messageId) {
    let reply;
    try {
      reply = await postJson(url, { sender: sender, message: message, metadata: { client_message_id: messageId } });
    } catch (e) {
      throw new ChatError('unreachable', TEXT.failed);
    }
    let body = null;
    try {
      body = await reply.json();
    } catch (e) {
      body = null;
    }
    // A refusal of this very message (too long, malformed): retrying would not help.
    if (reply.status >= 400 && reply.status < 500 && reply.status !== 408 && reply.status !== 429) {
      throw new ChatError('rejected', body && typeof body.message === 'string' ? body.message : TEXT.unexpected);
    }
    if (!reply.ok) throw new ChatError('unreachable', TEXT.failed);
    if (!Array.isArray(body)) throw new ChatError('rejected', TEXT.unexpected);
    return body;
  }

  // ---- the widget ------------------------------------------------------------------------

  function Widget(config) {
    this.config = config;
    this.storage = makeStorage('enlist-chat:' + config.server);
    const stored = this.storage.load();
    this.state = stored || { v: STORAGE_VERSION, senderId: newSenderId(), open: config.open, messages: [] };
    this.queue = Promise.resolve();
    this.pending = 0;
    this.build();
    this.renderAll();
    this.setOpen(this.state.open, false);
    if (this.state.handoff) this.listen();
  }

  Widget.prototype.save = function () {
    const messages = this.state.messages;
    if (messages.length > MAX_STORED_MESSAGES) messages.splice(0, messages.length - MAX_STORED_MESSAGES);
    this.storage.save(this.state);
  };

  Widget.prototype.build = function () {
    const self = this;
    const colors = accentColors(this.config.color);
    const root = el('div', 'enlist-root');
    root.setAttribute('data-enlist-widget', '');
    root.style.setProperty('--enlist-accent', colors.accent);
    root.style.setProperty('--enlist-on-accent', colors.onAccent);
    root.style.setProperty('--enlist-accent-text', colors.accentText);

    const launcher = el('button', 'enlist-launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-controls', 'enlist-panel');
    launcher.appendChild(icon('chat'));
    launcher.appendChild(el('span', null, TEXT.launcher));
    launcher.addEventListener('click', function () { self.setOpen(!self.state.open, true); });

    const panel = el('section', 'enlist-panel');
    panel.id = 'enlist-panel';
    panel.setAttribute('aria-label', this.config.title);

    const header = el('header', 'enlist-header');
    header.appendChild(el('h2', 'enlist-title', this.config.title));
    const restart = el('button', 'enlist-header-button enlist-restart', TEXT.restart);
    restart.type = 'button';
    restart.addEventListener('click', function () { self.restart(); });
    const close = el('button', 'enlist-header-button enlist-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', TEXT.close);
    close.title = TEXT.close;
    close.addEventListener('click', function () { self.setOpen(false, true); });
    header.appendChild(restart);
    header.appendChild(close);

    const log = el('div', 'enlist-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-label', '对话记录');
    log.tabIndex = 0;

    const status = el('div', 'enlist-status enlist-sr');
    status.setAttribute('role', 'status');

    const form = el('form', 'enlist-form');
    const label = el('label', 'enlist-sr', TEXT.inputLabel);
    label.htmlFor = 'enlist-input';
    const input = el('textarea', 'enlist-input');
    input.id = 'enlist-input';
    input.rows = 1;
    input.placeholder = TEXT.placeholder;
    input.setAttribute('enterkeyhint', 'send');
    input.setAttribute('autocomplete', 'off');
    const send = el('button', 'enlist-send', TEXT.send);
    send.type = 'submit';
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      self.submit();
    });
    input.addEventListener('keydown', function (event) {
      // Enter sends; Shift+Enter is a new line; Enter that confirms a Chinese IME word is not a send.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        self.submit();
      }
    });
    input.addEventListener('input', function () { self.fitInput(); });

    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(status);
    panel.appendChild(form);
    panel.appendChild(el('p', 'enlist-note', TEXT.note));
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') self.setOpen(false, true);
    });

    root.appendChild(panel);
    root.appendChild(launcher);
    this.root = root;
    this.launcher = launcher;
    this.panel = panel;
    this.log = log;
    this.status = status;
    this.input = input;
  };

  Widget.prototype.fitInput = function () {
    this.input.style.height = 'auto';
    this.input.style.height = Math.min(this.input.scrollHeight, 120) + 'px';
  };

  Widget.prototype.announce = function (text) {
    this.status.textContent = '';
    const status = this.status;
    setTimeout(function () { status.textContent = text; }, 30);
  };

  Widget.prototype.setOpen = function (open, byUser) {
    this.state.open = open;
    this.root.classList.toggle('enlist-open', open);
    this.panel.hidden = !open;
    this.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    this.save();
    if (open && !this.state.messages.length) this.greet();
    if (open) this.scrollToEnd();
    // Into the panel for keyboards and screen readers; on phones the log rather than the
    // input, so that the on-screen keyboard does not cover the greeting.
    if (byUser) (open ? (wideScreen() ? this.input : this.log) : this.launcher).focus();
  };

  // ---- rendering ---------------------------------------------------------------------

  Widget.prototype.renderAll = function () {
    const self = this;
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.state.messages.forEach(function (message) { self.log.appendChild(self.renderMessage(message)); });
    this.scrollToEnd();
  };

  Widget.prototype.renderMessage = function (message) {
    return message.from === 'user' ? this.renderUser(message) : this.renderBot(message);
  };

  Widget.prototype.renderUser = function (message) {
    const self = this;
    const item = el('div', 'enlist-msg enlist-user');
    item.setAttribute('data-message-id', message.id);
    if (!message.hidden) item.appendChild(el('div', 'enlist-bubble', message.text));
    if (message.failed) {
      const failure = el('div', 'enlist-failed');
      failure.setAttribute('role', 'alert');
      failure.appendChild(el('span', null, TEXT.failed));
      const retry = el('button', 'enlist-retry', TEXT.retry);
      retry.type = 'button';
      retry.addEventListener('click', function () { self.retry(message); });
      failure.appendChild(retry);
      item.appendChild(failure);
    }
    return item;
  };

  Widget.prototype.renderBot = function (message) {
    const self = this;
    const item = el('div', 'enlist-msg enlist-bot' + (message.kind === 'staff' ? ' enlist-staff' : ''));
    item.setAttribute('data-message-id', message.id);
    if (message.faqId) item.setAttribute('data-faq-id', message.faqId);
    if (message.kind === 'staff') item.appendChild(el('div', 'enlist-from', TEXT.staff));
    const bubble = el('div', 'enlist-bubble');
    if (message.text) renderMarkdown(message.text, bubble);
    if (message.image && safeUrl(message.image)) {
      const image = el('img', 'enlist-image');
      image.src = safeUrl(message.image);
      image.alt = TEXT.image;
      image.loading = 'lazy';
      bubble.appendChild(image);
    }
    item.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      const buttons = el('div', 'enlist-buttons');
      cleanButtons(message.buttons).forEach(function (b) {
        const button = el('button', 'enlist-choice', b.title);
        button.type = 'button';
        button.addEventListener('click', function () { self.send(b.payload, b.title); });
        buttons.appendChild(button);
      });
      item.appendChild(buttons);
    }
    // Only a message the server named can be voted on: /feedback refuses other ids.
    if (message.kind !== 'notice' && message.serverId) item.appendChild(this.renderVotes(message));
    return item;
  };

  Widget.prototype.renderVotes = function (message) {
    const self = this;
    const votes = el('div', 'enlist-votes');
    [[1, 'up', TEXT.helpful], [-1, 'down', TEXT.notHelpful]].forEach(function (spec) {
      const button = el('button', 'enlist-vote');
      button.appendChild(icon(spec[1]));
      button.type = 'button';
      button.setAttribute('aria-label', spec[2]);
      button.title = spec[2];
      button.setAttribute('data-vote', String(spec[0]));
      button.setAttribute('aria-pressed', message.vote === spec[0] ? 'true' : 'false');
      button.addEventListener('click', function () { self.vote(message, spec[0], votes); });
      votes.appendChild(button);
    });
    return votes;
  };

  Widget.prototype.replaceRendered = function (message) {
    const old = this.log.querySelector('[data-message-id="' + message.id + '"]');
    const fresh = this.renderMessage(message);
    if (old) this.log.replaceChild(fresh, old);
    else this.log.appendChild(fresh);
    return fresh;
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  // A long answer is shown from its first line, not from its end.
  Widget.prototype.scrollToMessage = function (node) {
    this.log.scrollTop = Math.max(0, node.offsetTop - 8);
  };

  Widget.prototype.showTyping = function (show) {
    let typing = this.log.querySelector('.enlist-typing');
    if (show && !typing) {
      typing = el('div', 'enlist-msg enlist-bot enlist-typing');
      typing.setAttribute('aria-hidden', 'true');
      const dots = el('div', 'enlist-bubble enlist-dots');
      for (let i = 0; i < 3; i++) dots.appendChild(el('span'));
      typing.appendChild(dots);
      this.log.appendChild(typing);
      this.scrollToEnd();
      this.announce(TEXT.typing);
    } else if (!show && typing) {
      this.log.removeChild(typing);
    }
  };

  // ---- conversation ------------------------------------------------------------------

  Widget.prototype.greet = function () {
    this.send('/greet', null);
  };

  Widget.prototype.submit = function () {
    const text = this.input.value;
    if (!text.trim()) {
      this.input.focus();
      return;
    }
    this.input.value = '';
    this.fitInput();
    this.send(text, text);
  };

  // Sends ``payload``; shows ``shownAs`` as the student's message (null: send silently).
  Widget.prototype.send = function (payload, shownAs) {
    const message = { id: newMessageId(), from: 'user', text: shownAs === null ? '' : shownAs, payload: payload,
      hidden: shownAs === null, failed: false };
    this.state.messages.push(message);
    this.save();
    const node = this.renderMessage(message);
    this.log.appendChild(node);
    this.scrollToEnd();
    return this.enqueue(message);
  };

  Widget.prototype.retry = function (message) {
    message.failed = false;
    this.save();
    this.replaceRendered(message);
    return this.enqueue(message);
  };

  Widget.prototype.enqueue = function (message) {
    const self = this;
    const senderId = this.state.senderId;
    this.queue = this.queue.then(function () { return self.deliver(message, senderId); });
    return this.queue;
  };

  Widget.prototype.deliver = async function (message, senderId) {
    if (senderId !== this.state.senderId) return; // the conversation was restarted meanwhile
    this.pending++;
    this.showTyping(true);
    let replies = null;
    let error = null;
    try {
      replies = await postChat(this.config.chatUrl, senderId, message.payload, message.id);
    } catch (e) {
      error = e instanceof ChatError ? e : new ChatError('unreachable', TEXT.failed);
    }
    this.pending = Math.max(0, this.pending - 1);
    if (!this.pending) this.showTyping(false);
    if (senderId !== this.state.senderId) return;
    if (error && error.kind === 'unreachable') {
      message.failed = true;
      this.save();
      this.replaceRendered(message);
      this.scrollToEnd();
      this.announce(TEXT.failed);
    } else if (error) {
      this.refuse(message, error.message);
    } else {
      this.receive(replies);
    }
  };

  // The server refused the message (e.g. too long): drop it from the log, give the text
  // back to the student to edit, and say why.
  Widget.prototype.refuse = function (message, reason) {
    const index = this.state.messages.indexOf(message);
    if (index >= 0) this.state.messages.splice(index, 1);
    const node = this.log.querySelector('[data-message-id="' + message.id + '"]');
    if (node) this.log.removeChild(node);
    if (!message.hidden && !this.input.value) {
      this.input.value = message.text;
      this.fitInput();
    }
    const notice = { id: newMessageId(), from: 'bot', kind: 'notice', text: '⚠️ ' + reason, buttons: [], vote: 0 };
    this.state.messages.push(notice);
    this.save();
    this.scrollToMessage(this.replaceRendered(notice));
    this.announce(reason);
  };

  Widget.prototype.receive = function (replies) {
    const self = this;
    const messages = botMessages(replies);
    if (replies.some(function (r) { return r && r.custom && typeof r.custom === 'object' && r.custom[HANDOFF_KEY]; })) this.listen();
    let first = null;
    messages.forEach(function (message) {
      self.state.messages.push(message);
      const node = self.renderMessage(message);
      self.log.appendChild(node);
      first = first || node;
    });
    this.save();
    if (first) this.scrollToMessage(first);
  };

  Widget.prototype.vote = async function (message, value, container) {
    const previous = message.vote;
    message.vote = value;
    this.save();
    function show(current) {
      Array.prototype.forEach.call(container.querySelectorAll('.enlist-vote'), function (button) {
        button.setAttribute('aria-pressed', String(Number(button.getAttribute('data-vote')) === current));
      });
    }
    show(value);
    let ok = false;
    try {
      const reply = await postJson(this.config.feedbackUrl, {
        sender_id: this.state.senderId, message_id: message.id, vote: value,
        faq_id: message.faqId || null
      });
      ok = reply.ok;
    } catch (e) {
      ok = false;
    }
    if (ok) {
      container.setAttribute('data-voted', String(value));
      this.announce(TEXT.thanks);
    } else {
      message.vote = previous;
      this.save();
      show(previous);
      this.announce(TEXT.voteFailed);
    }
  };

  Widget.prototype.restart = function () {
    const old = this.state.senderId;
    postJson(this.config.chatUrl, { sender: old, message: '/restart' }).catch(function () {});
    this.stopListening();
    this.state.senderId = newSenderId();
    this.state.messages = [];
    this.save();
    this.renderAll();
    this.announce(TEXT.restarted);
    this.greet();
    this.input.focus();
  };

  // ---- live hand-off: the recruiter's replies, pushed ----------------------------------

  // Listen for the messages of a hand-off (queue notices, the recruiter's replies) until it
  // ends or expires: a server-sent event stream, or polling when the stream fails.
  Widget.prototype.listen = function () {
    if (!this.state.handoff) {
      this.state.handoff = { after: 0 };
      this.save();
    }
    if (this.source || this.pollTimer) return;
    const self = this;
    const senderId = this.state.senderId;
    if (typeof EventSource !== 'function') return this.poll();
    let failures = 0;
    const url = this.config.handoffUrl + '/stream?sender=' + encodeURIComponent(senderId) + '&after=' + this.state.handoff.after;
    const source = new EventSource(url);
    this.source = source;
    source.onmessage = function (event) {
      failures = 0;
      try {
        self.receivePushed(JSON.parse(event.data), senderId);
      } catch (e) {
        // one malformed event must not stop the stream
      }
    };
    source.onerror = function () {
      failures++;
      if (failures >= 3 && self.source === source) { // the stream keeps failing (a proxy?): poll instead
        source.close();
        self.source = null;
        self.poll();
      }
    };
  };

  Widget.prototype.poll = function () {
    const self = this;
    const senderId = this.state.senderId;
    async function once() {
      self.pollTimer = null;
      if (!self.state.handoff || senderId !== self.state.senderId) return;
      try {
        const reply = await fetch(self.config.handoffUrl + '/messages?sender=' + encodeURIComponent(senderId) +
          '&after=' + self.state.handoff.after);
        const body = reply.ok ? await reply.json() : null;
        if (body && Array.isArray(body.messages)) body.messages.forEach(function (m) { self.receivePushed(m, senderId); });
      } catch (e) {
        // offline for a moment: try again
      }
      if (self.state.handoff && senderId === self.state.senderId) self.pollTimer = setTimeout(once, HANDOFF_POLL_MS);
    }
    this.pollTimer = setTimeout(once, 0);
  };

  Widget.prototype.stopListening = function () {
    if (this.source) this.source.close();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.source = null;
    this.pollTimer = null;
    this.state.handoff = null;
    this.save();
  };

  Widget.prototype.receivePushed = function (pushed, senderId) {
    if (!pushed || typeof pushed.id !== 'number' || senderId !== this.state.senderId || !this.state.handoff) return;
    if (pushed.id <= this.state.handoff.after) return;
    this.state.handoff.after = pushed.id;
    const text = typeof pushed.text === 'string' ? pushed.text : '';
    if (text) {
      const message = { id: 'h' + pushed.id, from: 'bot', kind: pushed.kind === 'staff' ? 'staff' : 'notice', text: text,
        buttons: cleanButtons(pushed.buttons), vote: 0 };
      this.state.messages.push(message);
      this.scrollToMessage(this.replaceRendered(message));
      this.announce((message.kind === 'staff' ? TEXT.staff + '：' : '') + text);
    }
    this.save();
    if (HANDOFF_DONE[pushed.state]) this.stopListening();
  };

  // ---- start -------------------------------------------------------------------------

  function loadStyles(url, done) {
    const existing = Array.prototype.some.call(document.querySelectorAll('link[rel="stylesheet"]'), function (l) {
      return l.href === url;
    });
    if (existing) return done();
    const sheet = document.createElement('link');
    sheet.rel = 'stylesheet';
    sheet.href = url;
    let called = false;
    function once() {
      if (!called) {
        called = true;
        done();
      }
    }
    sheet.onload = once;
    sheet.onerror = once;
    setTimeout(once, 3000);
    document.head.appendChild(sheet);
  }

  function start() {
    const config = readConfig();
    const widget = new Widget(config);
    widget.root.hidden = true;
    document.body.appendChild(widget.root);
    loadStyles(config.cssUrl, function () {
      widget.root.hidden = false;
      widget.scrollToEnd(); // only now has the log a height: show the latest messages
    });

    // Host pages can open the chat or ask a question from any element, without script:
    // <a data-enlist-open>…</a>, <button data-enlist-ask="学费怎么补偿">…</button>.
    document.addEventListener('click', function (event) {
      const target = event.target && event.target.closest ? event.target.closest('[data-enlist-ask],[data-enlist-open]') : null;
      if (!target || widget.root.contains(target)) return;
      event.preventDefault();
      if (!widget.state.open) widget.setOpen(true, true);
      const question = target.getAttribute('data-enlist-ask');
      if (question) widget.send(question, question);
    });

    Object.assign(window.EnlistChat, {
      open: function () { widget.setOpen(true, true); },
      close: function () { widget.setOpen(false, true); },
      ask: function (text) { return widget.send(String(text), String(text)); },
      restart: function () { widget.restart(); },
      senderId: function () { return widget.state.senderId; }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
