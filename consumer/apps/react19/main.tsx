// consumer/apps/react19/main.tsx — React 19 with the bare element: props typed by
// `@phone-verify/widget/jsx`, `strings` set as a property, events through `on` + name.

import '@phone-verify/widget/define';
import type {} from '@phone-verify/widget/jsx';
import type { PhoneVerifySuccessEvent } from '@phone-verify/widget';
import { createRoot } from 'react-dom/client';

const seen: string[] = [];
(window as unknown as { seen: string[] }).seen = seen;

function App() {
  return (
    <phone-verify
      endpoint="/auth/phone"
      default-country="GB"
      strings={{ sendCode: 'Text me a code' }}
      onphone-verify-sent={(e) => seen.push(`sent:${e.detail.channel}`)}
      onphone-verify-success={(e: PhoneVerifySuccessEvent) => {
        e.preventDefault(); // stay here although the server sent a redirect
        seen.push(`success:${String(e.detail.user.id)}:${e.detail.redirect ?? ''}`);
      }}
    />
  );
}

createRoot(document.getElementById('root')!).render(<App />);
