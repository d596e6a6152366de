// The demo's fake phone: shows, live, the messages sent to this browser.
const list = document.getElementById('phone-messages');
const stream = new EventSource('/demo/phone/stream');

stream.onmessage = (event) => {
  const message = JSON.parse(event.data);
  const item = document.createElement('li');
  item.className = `message message--${message.channel}`;
  const meta = document.createElement('span');
  meta.className = 'meta';
  const kinds = { voice: 'Call', whatsapp: 'WhatsApp', flashcall: 'Missed call', telegram: 'Telegram' };
  const kind = kinds[message.channel] ?? 'Text';
  meta.textContent = `${kind} to ${message.to} · ${new Date(message.at).toLocaleTimeString()}`;
  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = message.text;
  item.append(meta, text);
  list.prepend(item);
};
