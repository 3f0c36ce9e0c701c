// Chorus web client: plain DOM, no build step. Every piece of user data reaches the page through
// textContent or attributes set one by one, never as markup.
'use strict';

const PAGE_SIZE = 50;
const TOKEN_KEY = 'chorus.token';

const $ = (id) => document.getElementById(id);

const state = {
  config: { usersUrl: '', dmsUrl: '' },
  token: null,
  me: null,
  conversations: new Map(), // "g:<group>" or "d:<peer>", lower case -> conversation
  current: null,
  stream: null,
  lastEventId: null,
  reconnectDelay: 1000,
  reconnectTimer: null,
  online: new Map(), // user key -> name, from presence events and presence lookups
  typingSentAt: 0,
  typingTimer: null,
};

const TYPING_EVERY_MS = 2000; // the services pass at most one notice per 2 s anyway
const TYPING_SHOWN_MS = 4000;

// ---- HTTP ----------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
    // A fetch that never got an answer, or a 5xx the services use for "a dependency is down":
    // worth sending again with the same clientId, which makes the retry safe.
    this.retryable = status === 0 || status === 502 || status === 503 || status === 504;
  }
}

async function request(base, path, { method = 'GET', body, auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && state.token) headers.Authorization = 'Bearer ' + state.token;
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('The server cannot be reached.', 0);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: fall through */ }
  if (!response.ok) {
    if (response.status === 401 && auth && state.token) {
      signOut('Your session has ended. Please sign in again.');
    }
    const detail = json && (json.detail || json.title);
    throw new ApiError(detail || 'Request failed (' + response.status + ').', response.status);
  }
  return json;
}

const users = (path, options) => request(state.config.usersUrl, path, options);
const gateway = (path, options) => request('', path, options);
const dms = (path, options) => request(state.config.dmsUrl, path, options);
const seg = encodeURIComponent;
const keyOf = (name) => name.toLowerCase();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Works without a secure context too (crypto.randomUUID needs one; plain http hosts are not).
function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- Conversations ------------------------------------------------------------------------

function conversation(kind, name) {
  const key = (kind === 'group' ? 'g:' : 'd:') + keyOf(name);
  let conv = state.conversations.get(key);
  if (!conv) {
    conv = { key, kind, name, ids: [], byId: new Map(), loaded: false, complete: false, unread: 0, listed: false, lastAt: null };
    state.conversations.set(key, conv);
  }
  return conv;
}

function fetchPage(conv, before) {
  const query = '?limit=' + PAGE_SIZE + (before ? '&before=' + before : '');
  return callFor(conv, convPath(conv) + '/messages' + query);
}

function fromGroupMessage(m) {
  return { id: m.id, sender: m.sender, text: m.text, sentAt: m.sentAt, editedAt: m.editedAt, deleted: m.deleted === true };
}

function fromDirectMessage(m) {
  return { id: m.id, sender: m.from, text: m.text, sentAt: m.sentAt, editedAt: m.editedAt, deleted: m.deleted === true };
}

/** Adds a message once (ids are unique per conversation); false if it was there already. */
function addMessage(conv, message) {
  if (conv.byId.has(message.id)) return false;
  conv.byId.set(message.id, message);
  let at = conv.ids.length;
  while (at > 0 && conv.ids[at - 1] > message.id) at--;
  conv.ids.splice(at, 0, message.id);
  if (!conv.lastAt || message.sentAt > conv.lastAt) conv.lastAt = message.sentAt;
  if (conv === state.current) {
    const list = $('message-list');
    const stick = nearBottom();
    const next = at + 1 < conv.ids.length ? list.querySelector('li[data-id="' + conv.ids[at + 1] + '"]') : null;
    list.insertBefore(messageNode(message, conv), next || firstPending());
    $('empty').hidden = true;
    if (stick) scrollToBottom();
  }
  return true;
}

async function loadHistory(conv, older) {
  const before = older && conv.ids.length ? conv.ids[0] : null;
  const page = await fetchPage(conv, before);
  const messages = page.messages || [];
  const convert = conv.kind === 'group' ? fromGroupMessage : fromDirectMessage;
  const box = $('messages');
  const heightBefore = box.scrollHeight;
  messages.forEach((m) => addMessage(conv, convert(m)));
  if (!older) conv.loaded = true;
  if (messages.length < PAGE_SIZE) conv.complete = true;
  if (conv === state.current) {
    renderHistoryControls(conv);
    // Keep what the reader was looking at in place while older messages appear above it.
    if (older) box.scrollTop += box.scrollHeight - heightBefore;
  }
}

// ---- Rendering ----------------------------------------------------------------------------

function formatTime(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return today ? time : date.toLocaleDateString() + ' ' + time;
}

function messageNode(message, conv) {
  const li = document.createElement('li');
  li.className = 'message' + (keyOf(message.sender) === keyOf(state.me) ? ' mine' : '');
  li.dataset.id = String(message.id);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const sender = document.createElement('span');
  sender.className = 'sender';
  sender.textContent = message.sender;
  const time = document.createElement('time');
  time.dateTime = message.sentAt;
  time.textContent = formatTime(message.sentAt);
  meta.append(sender, ' ', time);
  if (message.editedAt && !message.deleted) {
    const edited = document.createElement('span');
    edited.className = 'edited';
    edited.textContent = ' (edited)';
    meta.append(edited);
  }
  if (conv && !message.deleted) meta.append(...actionsFor(conv, message));
  const text = document.createElement('p');
  text.className = 'text';
  // A tombstone keeps its place in the conversation, without its text.
  if (message.deleted) li.classList.add('deleted');
  text.textContent = message.deleted ? 'Message deleted' : message.text;
  li.append(meta, text);
  return li;
}

/** Edit for one's own messages; delete for one's own, and for any in a group one owns. */
function actionsFor(conv, message) {
  const mine = keyOf(message.sender) === keyOf(state.me);
  const owner = conv.kind === 'group' && conv.owner && keyOf(conv.owner) === keyOf(state.me);
  if (!mine && !owner) return [];
  const actions = document.createElement('span');
  actions.className = 'actions';
  if (mine) {
    const edit = document.createElement('button');
    edit.type = 'button';
    edit.className = 'secondary edit';
    edit.textContent = 'Edit';
    edit.setAttribute('aria-label', 'Edit message ' + message.id);
    edit.addEventListener('click', () => startEditing(conv, message));
    actions.append(edit);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'secondary delete';
  remove.textContent = 'Delete';
  remove.setAttribute('aria-label', 'Delete message ' + message.id);
  remove.addEventListener('click', () => deleteMessage(conv, message));
  actions.append(remove);
  return [actions];
}

/** A conversation's base path: /api/groups/{g} on the gateway or /api/dms/{peer} on dm-service. */
function convPath(conv) {
  return (conv.kind === 'group' ? '/api/groups/' : '/api/dms/') + seg(conv.name);
}

function messagePath(conv, id) {
  return convPath(conv) + '/messages/' + id;
}

function callFor(conv, path, options) {
  return conv.kind === 'group' ? gateway(path, options) : dms(path, options);
}

/** Replaces a message's text with a field; Enter saves, Escape cancels. */
function startEditing(conv, message) {
  const node = $('message-list').querySelector('li[data-id="' + message.id + '"]');
  if (!node) return;
  const form = document.createElement('form');
  form.className = 'edit-form';
  const input = document.createElement('input');
  input.className = 'edit-text';
  input.value = message.text;
  // maxLength counts UTF-16 units: 4,096 emoji take 8,192. The server counts characters and its
  // 400 says when a text is longer; a browser must not cut a valid text short.
  input.maxLength = 8192;
  input.setAttribute('aria-label', 'New text of message ' + message.id);
  form.append(input);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    try {
      const stored = await callFor(conv, messagePath(conv, message.id), { method: 'PATCH', body: { text } });
      applyChange(conv, conv.kind === 'group' ? fromGroupMessage(stored) : fromDirectMessage(stored));
    } catch (err) {
      $('conversation-error').textContent = err.message;
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') applyChange(conv, message);
  });
  node.querySelector('.text').replaceWith(form);
  input.focus();
}

async function deleteMessage(conv, message) {
  try {
    await callFor(conv, messagePath(conv, message.id), { method: 'DELETE' });
    applyChange(conv, { id: message.id, sender: message.sender, sentAt: message.sentAt, deleted: true });
  } catch (err) {
    $('conversation-error').textContent = err.message;
  }
}

/** A message as it now is replaces the one shown (an edit, a delete, or an edit given up). */
function applyChange(conv, message) {
  if (!conv.byId.has(message.id)) return;
  conv.byId.set(message.id, message);
  if (conv === state.current) {
    const node = $('message-list').querySelector('li[data-id="' + message.id + '"]');
    if (node) node.replaceWith(messageNode(message, conv));
  }
}

function firstPending() {
  return $('message-list').querySelector('li.pending');
}

function nearBottom() {
  const box = $('messages');
  return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
}

function scrollToBottom() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

function renderHistoryControls(conv) {
  $('load-older').hidden = !conv.loaded || conv.complete;
  $('history-start').hidden = !conv.complete || conv.ids.length === 0;
  $('empty').hidden = conv.ids.length > 0 || !conv.loaded;
  $('empty').textContent = 'No messages yet. Say hello!';
}

function renderConversation() {
  const conv = state.current;
  const list = $('message-list');
  list.replaceChildren();
  $('conversation-error').textContent = '';
  if (!conv) {
    $('conversation-title').textContent = 'Pick a conversation';
    $('composer').hidden = true;
    $('search').hidden = true;
    $('search-results').hidden = true;
    $('online').hidden = true;
    $('leave-group').hidden = true;
    $('load-older').hidden = true;
    $('history-start').hidden = true;
    $('empty').hidden = false;
    $('empty').textContent = 'Choose a group or a person on the left, or create a group.';
    return;
  }
  $('conversation-title').textContent = conv.kind === 'group' ? '# ' + conv.name : conv.name;
  $('composer').hidden = false;
  $('search').hidden = false;
  $('search-results').hidden = true;
  showTyping('');
  renderOnline();
  $('leave-group').hidden = conv.kind !== 'group';
  const nodes = conv.ids.map((id) => messageNode(conv.byId.get(id), conv));
  list.append(...nodes);
  renderHistoryControls(conv);
  scrollToBottom();
}

function renderLists() {
  const groups = [...state.conversations.values()].filter((c) => c.kind === 'group' && c.listed)
    .sort((a, b) => a.name.localeCompare(b.name));
  const people = [...state.conversations.values()].filter((c) => c.kind === 'dm' && c.listed)
    .sort((a, b) => (b.lastAt || '').localeCompare(a.lastAt || '') || a.name.localeCompare(b.name));
  fillList($('group-list'), groups, 'No groups yet.');
  fillList($('dm-list'), people, 'No conversations yet.');
}

function fillList(list, convs, emptyText) {
  const items = convs.map((conv) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'conversation-link';
    button.dataset.key = conv.key;
    const name = document.createElement('span');
    name.textContent = conv.kind === 'group' ? '# ' + conv.name : conv.name;
    button.append(name);
    if (conv.kind === 'dm' && state.online.has(keyOf(conv.name))) {
      const dot = document.createElement('span');
      dot.className = 'dot';
      dot.title = 'online';
      const label = document.createElement('span');
      label.className = 'visually-hidden';
      label.textContent = ' online';
      button.append(dot, label);
    }
    if (conv.unread > 0) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = String(conv.unread);
      const label = document.createElement('span');
      label.className = 'visually-hidden';
      label.textContent = ' unread';
      badge.append(label);
      button.append(' ', badge);
    }
    if (conv === state.current) button.setAttribute('aria-current', 'page');
    button.addEventListener('click', () => go(conv.kind, conv.name));
    li.append(button);
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'hint';
    li.textContent = emptyText;
    items.push(li);
  }
  list.replaceChildren(...items);
}

function announce(text) {
  $('announcer').textContent = text;
}

// ---- Navigation ---------------------------------------------------------------------------

function go(kind, name) {
  const hash = '#' + (kind === 'group' ? 'group/' : 'dm/') + seg(name);
  if (location.hash === hash) {
    openConversation(kind, name);
  } else {
    location.hash = hash; // hashchange opens it, and reloads come back to it
  }
}

function fromHash() {
  const match = /^#(group|dm)\/(.+)$/.exec(location.hash);
  if (!match) return null;
  try {
    return { kind: match[1], name: decodeURIComponent(match[2]) };
  } catch (e) {
    return null;
  }
}

async function openConversation(kind, name) {
  const conv = conversation(kind, name);
  state.current = conv;
  conv.unread = 0;
  renderConversation();
  renderLists();
  $('composer-text').focus();
  refreshOnline(conv);
  if (!conv.loaded) {
    try {
      await loadHistory(conv, false);
      if (kind === 'dm' && !conv.listed) {
        conv.listed = true;
        renderLists();
      }
      if (state.current === conv) scrollToBottom();
    } catch (e) {
      if (state.current === conv) $('conversation-error').textContent = e.message;
    }
  }
  if (state.current === conv) markRead(conv);
}

// ---- Sending ------------------------------------------------------------------------------

async function send(conv, text) {
  const pending = { clientId: newClientId(), text, node: pendingNode(text) };
  if (state.current === conv) {
    $('message-list').append(pending.node);
    $('empty').hidden = true;
    scrollToBottom();
  }
  // One send at a time per conversation, so messages are stored in the order they were typed
  // even when some of them have to be retried.
  conv.outbox = (conv.outbox || Promise.resolve()).then(() => deliver(conv, pending));
  await conv.outbox;
}

function pendingNode(text) {
  const li = document.createElement('li');
  li.className = 'message mine pending';
  const meta = document.createElement('div');
  meta.className = 'meta';
  const sender = document.createElement('span');
  sender.className = 'sender';
  sender.textContent = state.me;
  const status = document.createElement('span');
  status.className = 'status';
  meta.append(sender, ' ', status);
  const body = document.createElement('p');
  body.className = 'text';
  body.textContent = text;
  li.append(meta, body);
  return li;
}

async function deliver(conv, pending) {
  const status = pending.node.querySelector('.status');
  pending.node.querySelector('.retry')?.remove();
  status.textContent = 'sending…';
  const post = () => callFor(conv, convPath(conv) + '/messages',
    { method: 'POST', body: { text: pending.text, clientId: pending.clientId } });
  // Retries ride out a restarting service (most of a minute); the same clientId means a send
  // that did arrive but whose answer got lost is not stored twice.
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await post();
      pending.node.remove();
      addMessage(conv, conv.kind === 'group' ? fromGroupMessage(stored) : fromDirectMessage(stored));
      if (conv.kind === 'dm' && !conv.listed) conv.listed = true;
      renderLists();
      return;
    } catch (e) {
      if (!e.retryable || attempt >= 12) {
        status.textContent = 'not sent: ' + e.message;
        const retry = document.createElement('button');
        retry.type = 'button';
        retry.className = 'retry secondary';
        retry.textContent = 'Retry';
        retry.addEventListener('click', () => deliver(conv, pending));
        pending.node.append(retry);
        return;
      }
      status.textContent = 'sending… (retrying)';
      await sleep(Math.min(500 * 2 ** attempt, 5000));
    }
  }
}

// ---- Live stream --------------------------------------------------------------------------

let resolveStreamOpen = null;

function openStream() {
  clearTimeout(state.reconnectTimer);
  let url = '/api/events?access_token=' + seg(state.token);
  // A new EventSource starts without a Last-Event-ID; the cursor goes in the query instead.
  if (state.lastEventId) url += '&lastEventId=' + seg(state.lastEventId);
  const es = new EventSource(url);
  state.stream = es;
  es.onopen = () => {
    state.reconnectDelay = 1000;
    showConnection('Live', 'live');
    if (resolveStreamOpen) {
      resolveStreamOpen();
      resolveStreamOpen = null;
    }
  };
  es.addEventListener('group-message', (e) => onEvent(e, 'group'));
  es.addEventListener('direct-message', (e) => onEvent(e, 'dm'));
  es.addEventListener('message-edited', onChange);
  es.addEventListener('message-deleted', onChange);
  es.addEventListener('typing', onTyping);
  es.addEventListener('presence', onPresence);
  es.onerror = () => {
    if (state.stream !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (the server answered with an error, e.g. a 503 while the gateway
      // drains or starts). Its own retries would have sent Last-Event-ID; a new EventSource
      // resumes through the query.
      es.close();
      showConnection('Reconnecting…', 'down');
      state.reconnectTimer = setTimeout(reopenStream, jittered(state.reconnectDelay));
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, 15000);
    } else {
      // A stream that ended or dropped: the browser reconnects by itself after the stream's
      // `retry:` (drawn per stream by the gateway, so a gateway's clients come back spread out);
      // nothing here overrides it.
      showConnection('Reconnecting…', 'down');
    }
  };
}

// Half to one and a half times the delay: the clients a gateway refused together do not all come back together.
function jittered(delay) {
  return delay * (0.5 + Math.random());
}

async function reopenStream() {
  if (!state.token) return;
  try {
    // Also tells an expired session (401 signs out) from a gateway that is still down.
    await refreshGroups();
  } catch (e) {
    if (!state.token) return;
    if (e.retryable) {
      state.reconnectTimer = setTimeout(reopenStream, jittered(state.reconnectDelay));
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, 15000);
      return;
    }
  }
  openStream();
}

function closeStream() {
  clearTimeout(state.reconnectTimer);
  if (state.stream) state.stream.close();
  state.stream = null;
}

function onEvent(event, kind) {
  if (event.lastEventId) state.lastEventId = event.lastEventId;
  let data;
  try { data = JSON.parse(event.data); } catch (e) { return; }
  let conv;
  let message;
  if (kind === 'group') {
    conv = conversation('group', data.group);
    message = fromGroupMessage(data);
    if (!conv.listed) refreshGroups().catch(() => {});
  } else {
    const peer = keyOf(data.from) === keyOf(state.me) ? data.to : data.from;
    conv = conversation('dm', peer);
    message = fromDirectMessage(data);
    conv.listed = true;
  }
  if (!addMessage(conv, message)) return;
  const where = conv.kind === 'group' ? ' in ' + conv.name : '';
  if (conv === state.current) {
    announce(message.sender + where + ': ' + message.text);
    showTyping('');
    markRead(conv);
  } else {
    conv.unread++;
    announce('New message from ' + message.sender + where);
  }
  renderLists();
}

/** An edit or delete: the data is the message as it now is; a message not loaded yet is left for history. */
function onChange(event) {
  if (event.lastEventId) state.lastEventId = event.lastEventId;
  let data;
  try { data = JSON.parse(event.data); } catch (e) { return; }
  const group = data.group !== undefined;
  const conv = group ? conversation('group', data.group)
    : conversation('dm', keyOf(data.from) === keyOf(state.me) ? data.to : data.from);
  applyChange(conv, group ? fromGroupMessage(data) : fromDirectMessage(data));
}

/** Someone is typing: shown under the conversation for a few seconds, or until their message comes. */
function onTyping(event) {
  let data;
  try { data = JSON.parse(event.data); } catch (e) { return; }
  const conv = data.group !== undefined ? conversation('group', data.group) : conversation('dm', data.peer);
  if (conv !== state.current || keyOf(data.user) === keyOf(state.me)) return;
  showTyping(data.user + ' is typing…');
}

function showTyping(text) {
  clearTimeout(state.typingTimer);
  $('typing').textContent = text;
  if (text) state.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, TYPING_SHOWN_MS);
}

function onPresence(event) {
  let data;
  try { data = JSON.parse(event.data); } catch (e) { return; }
  if (data.online) state.online.set(keyOf(data.user), data.user); else state.online.delete(keyOf(data.user));
  renderOnline();
  renderLists();
}

/** Tells the others in the conversation that the user is typing, at most every 2 s. */
function typed() {
  const conv = state.current;
  const now = Date.now();
  if (!conv || now - state.typingSentAt < TYPING_EVERY_MS) return;
  state.typingSentAt = now;
  callFor(conv, convPath(conv) + '/typing', { method: 'POST' }).catch(() => { /* a lost notice is no loss */ });
}

/** Moves the read marker of the open conversation to its newest message (markers only move forward). */
function markRead(conv) {
  const newest = conv.ids.length ? conv.ids[conv.ids.length - 1] : null;
  if (newest === null || (conv.readUpTo || 0) >= newest) return;
  conv.readUpTo = newest;
  callFor(conv, convPath(conv) + '/read', { method: 'PUT', body: { upTo: newest } }).catch(() => { conv.readUpTo = 0; });
}

async function refreshOnline(conv) {
  if (conv.kind !== 'group') return;
  try {
    const [presence, members] = await Promise.all([gateway('/api/groups/' + seg(conv.name) + '/presence'),
      gateway('/api/groups/' + seg(conv.name) + '/members')]);
    presence.online.forEach((name) => state.online.set(keyOf(name), name));
    conv.members = new Set(members.members.map((m) => keyOf(m.name)));
    renderOnline();
    renderLists();
  } catch (e) {
    // Presence is a nicety: the conversation works without it.
  }
}

function renderOnline() {
  const conv = state.current;
  const el = $('online');
  if (!conv || conv.kind !== 'group' || !conv.members) {
    el.hidden = true;
    return;
  }
  const names = [...state.online.entries()].filter(([key]) => conv.members.has(key))
    .map(([, name]) => name).sort((a, b) => a.localeCompare(b));
  el.hidden = false;
  el.textContent = 'Online: ' + (names.length ? names.join(', ') : 'no one');
}

async function search(conv, words) {
  const page = await callFor(conv, convPath(conv) + '/messages?limit=' + PAGE_SIZE + '&q=' + encodeURIComponent(words));
  const convert = conv.kind === 'group' ? fromGroupMessage : fromDirectMessage;
  const found = (page.messages || []).map((m) => messageNode(convert(m)));
  $('search-list').replaceChildren(...found);
  $('search-empty').hidden = found.length > 0;
  $('search-results').hidden = false;
}

function showConnection(text, kind) {
  const el = $('connection');
  el.hidden = false;
  el.textContent = text;
  el.dataset.state = kind;
}

// ---- Groups and DMs -----------------------------------------------------------------------

// Group lists come in pages (docs/api.md: at most 200 each, `next` names the following one).

/** Every page of a group list, following `next`: the caller's groups, which the sidebar shows all of. */
async function allPages(path) {
  const groups = [];
  let after = null;
  do {
    const page = await gateway(path + (after === null ? '' : '&after=' + seg(after)));
    groups.push(...page.groups);
    after = page.next ?? null;
  } while (after !== null);
  return groups;
}

// The characters of a name's key, in the order the server sorts keys (byte order, lower case).
const KEY_CHARS = '-.0123456789_abcdefghijklmnopqrstuvwxyz';
const NAME = /^[A-Za-z0-9_.-]{1,32}$/;
const SUGGESTIONS = 20;

/**
 * The `after` that starts a page at the first key beginning with `prefix`: the greatest key
 * below all of them ("gar" → "gaq" and 29 "z"), '' when that is the first page. Null when no
 * valid name can say it (the join box then suggests nothing).
 */
function afterForPrefix(prefix) {
  const key = keyOf(prefix);
  const head = key.slice(0, -1);
  const last = KEY_CHARS.indexOf(key.at(-1));
  // '-' sorts first: the key without it is the greatest below (it never starts with the prefix itself).
  const after = last <= 0 ? head : (head + KEY_CHARS[last - 1]).padEnd(32, 'z');
  if (after === '') return '';
  return NAME.test(after) && after !== '.' && after !== '..' ? after : null;
}

let suggestionsAsked = 0;

/**
 * The join box's suggestions: groups you are not in whose name starts with what is typed, asked
 * of the server page by page as you type, so every group can be found however many there are.
 */
async function suggestGroups() {
  const typed = $('join-group-name').value.trim();
  const asked = ++suggestionsAsked;
  if (typed && !NAME.test(typed)) {
    $('other-groups').replaceChildren();
    return;
  }
  const after = typed ? afterForPrefix(typed) : '';
  if (after === null) return;
  const page = await gateway('/api/groups?limit=' + SUGGESTIONS + (after ? '&after=' + seg(after) : ''));
  if (asked !== suggestionsAsked) return; // a later keystroke asked again; its answer wins
  const options = page.groups
    .filter((g) => keyOf(g.name).startsWith(keyOf(typed)))
    .filter((g) => !state.conversations.get('g:' + keyOf(g.name))?.listed)
    .map((g) => {
      const option = document.createElement('option');
      option.value = g.name;
      return option;
    });
  $('other-groups').replaceChildren(...options);
}

async function refreshGroups() {
  const mine = await allPages('/api/groups?member=me&limit=200');
  const memberOf = new Set(mine.map((g) => keyOf(g.name)));
  for (const conv of state.conversations.values()) {
    if (conv.kind === 'group') conv.listed = memberOf.has(keyOf(conv.name));
  }
  mine.forEach((g) => {
    const conv = conversation('group', g.name);
    conv.listed = true;
    conv.owner = g.owner;
    // The server's count (others' messages after the read marker), except for what is open now.
    if (typeof g.unread === 'number' && conv !== state.current) conv.unread = g.unread;
  });
  renderLists();
  await suggestGroups();
}

async function refreshDms() {
  const page = await dms('/api/dms?limit=100');
  page.conversations.forEach((c) => {
    const conv = conversation('dm', c.peer);
    conv.listed = true;
    if (!conv.lastAt || c.lastAt > conv.lastAt) conv.lastAt = c.lastAt;
    if (typeof c.unread === 'number' && conv !== state.current) conv.unread = c.unread;
  });
  renderLists();
}

// ---- Signing in and out -------------------------------------------------------------------

async function signIn(name, password, register) {
  if (register) {
    await users('/api/users', { method: 'POST', body: { name, password }, auth: false });
  }
  const token = await users('/api/auth/token', { method: 'POST', body: { name, password }, auth: false });
  sessionStorage.setItem(TOKEN_KEY, token.accessToken);
  await start(token.accessToken);
}

async function start(token) {
  state.token = token;
  const me = await users('/api/me');
  state.me = me.name;
  $('me').textContent = me.name;
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  $('whoami').hidden = false;
  showConnection('Connecting…', 'down');
  // Listen first, then read history: a message sent in between is in one or the other (or
  // both, and ids drop the copy), never in neither.
  const opened = new Promise((resolve) => {
    resolveStreamOpen = resolve;
    setTimeout(resolve, 5000);
  });
  openStream();
  await opened;
  await Promise.all([refreshGroups(), refreshDms()]);
  const target = fromHash();
  if (target) {
    await openConversation(target.kind, target.name);
  } else {
    renderConversation();
    $('create-group-name').focus();
  }
}

function signOut(message) {
  closeStream();
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(state, { token: null, me: null, current: null, lastEventId: null, reconnectDelay: 1000 });
  state.conversations.clear();
  state.online.clear();
  $('signed-in').hidden = true;
  $('whoami').hidden = true;
  $('connection').hidden = true;
  $('signed-out').hidden = false;
  $('auth-error').textContent = message || '';
  $('auth-password').value = '';
  $('message-list').replaceChildren();
  $('auth-name').focus();
}

// ---- Wiring -------------------------------------------------------------------------------

function nameFrom(input) {
  return input.value.trim();
}

function wire() {
  $('auth-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const register = e.submitter && e.submitter.value === 'register';
    const name = nameFrom($('auth-name'));
    const password = $('auth-password').value;
    $('auth-error').textContent = '';
    if (!name || password.length < 8) {
      $('auth-error').textContent = 'Enter a name and a password of at least 8 characters.';
      return;
    }
    const buttons = e.target.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await signIn(name, password, register);
    } catch (err) {
      $('auth-error').textContent = err.status === 401 ? 'Wrong name or password.' : err.message;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });

  $('sign-out').addEventListener('click', () => {
    history.replaceState(null, '', location.pathname);
    signOut('');
  });

  $('create-group').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = nameFrom($('create-group-name'));
    $('sidebar-error').textContent = '';
    try {
      const group = await gateway('/api/groups', { method: 'POST', body: { name } });
      $('create-group-name').value = '';
      await refreshGroups();
      go('group', group.name);
    } catch (err) {
      $('sidebar-error').textContent = err.message;
    }
  });

  let suggesting;
  $('join-group-name').addEventListener('input', () => {
    // A pause in typing, not every keystroke, asks the server.
    clearTimeout(suggesting);
    suggesting = setTimeout(() => suggestGroups().catch(() => {}), 150);
  });

  $('join-group').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = nameFrom($('join-group-name'));
    $('sidebar-error').textContent = '';
    try {
      const group = await gateway('/api/groups/' + seg(name) + '/members/me', { method: 'PUT' });
      $('join-group-name').value = '';
      await refreshGroups();
      go('group', group.name);
    } catch (err) {
      $('sidebar-error').textContent = err.message;
    }
  });

  $('open-dm').addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = nameFrom($('open-dm-name'));
    $('sidebar-error').textContent = '';
    if (keyOf(name) === keyOf(state.me)) {
      $('sidebar-error').textContent = 'Pick someone other than yourself.';
      return;
    }
    try {
      const user = await users('/api/users/' + seg(name));
      $('open-dm-name').value = '';
      go('dm', user.name);
    } catch (err) {
      $('sidebar-error').textContent = err.status === 404 ? 'Nobody is called ' + name + '.' : err.message;
    }
  });

  $('leave-group').addEventListener('click', async () => {
    const conv = state.current;
    if (!conv || conv.kind !== 'group') return;
    try {
      await gateway('/api/groups/' + seg(conv.name) + '/members/me', { method: 'DELETE' });
      state.conversations.delete(conv.key);
      state.current = null;
      history.replaceState(null, '', location.pathname);
      await refreshGroups();
      renderConversation();
      $('groups-heading').focus();
    } catch (err) {
      $('conversation-error').textContent = err.message;
    }
  });

  $('load-older').addEventListener('click', async () => {
    const conv = state.current;
    if (!conv) return;
    $('load-older').disabled = true;
    try {
      await loadHistory(conv, true);
    } catch (err) {
      $('conversation-error').textContent = err.message;
    } finally {
      $('load-older').disabled = false;
    }
  });

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('composer-text');
    const text = input.value.trim();
    if (!text || !state.current) return;
    input.value = '';
    input.focus();
    send(state.current, text);
  });

  $('composer-text').addEventListener('input', typed);

  $('search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const words = $('search-text').value.trim();
    if (!words || !state.current) return;
    try {
      await search(state.current, words);
    } catch (err) {
      $('conversation-error').textContent = err.message;
    }
  });

  $('search-close').addEventListener('click', () => {
    $('search-results').hidden = true;
    $('search-text').value = '';
  });

  $('composer-text').addEventListener('keydown', (e) => {
    // isComposing: Enter that confirms an IME composition is not a send.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });

  window.addEventListener('hashchange', () => {
    const target = fromHash();
    if (target && state.token) openConversation(target.kind, target.name);
  });
}

async function boot() {
  wire();
  try {
    state.config = await gateway('/api/web-config', { auth: false });
  } catch (e) {
    // Same origin for everything is the right guess behind an Ingress.
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    signOut('');
    return;
  }
  try {
    await start(token);
  } catch (e) {
    if (state.token) signOut(e.message);
  }
}

boot();
