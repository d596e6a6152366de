// consumer/apps/docs/report-port.mjs — `node --import` this to have any server the
// README's snippet starts print `{"listening": port}` (it listens on PORT=0, a free port).

import { Server } from 'node:http';

const listen = Server.prototype.listen;
Server.prototype.listen = function (...args) {
  this.once('listening', () => console.log(JSON.stringify({ listening: this.address().port })));
  return listen.apply(this, args);
};
