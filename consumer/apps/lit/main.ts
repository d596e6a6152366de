// consumer/apps/lit/main.ts — a Lit app of its own that also uses <phone-verify>: its
// bundle must hold exactly one copy of Lit (the module build imports the app's).

import { html, LitElement } from 'lit';
import '@phone-verify/widget/define';

class MyApp extends LitElement {
  override render() {
    return html`<h1>My app</h1><phone-verify endpoint="/auth/phone"></phone-verify>`;
  }
}
customElements.define('my-app', MyApp);
