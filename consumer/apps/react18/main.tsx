// consumer/apps/react18/main.tsx — React 18 with the @lit/react wrapper: `strings` as an
// object prop (React 18 alone would set the attribute "[object Object]"), typed handlers.

import { PhoneVerify, type PhoneVerifyProps } from '@phone-verify/widget/react';
import { createRoot } from 'react-dom/client';

const seen: string[] = [];
(window as unknown as { seen: string[] }).seen = seen;

const props: PhoneVerifyProps = { endpoint: '/auth/phone', defaultCountry: 'GB', strings: { sendCode: 'Text me a code' } };

function App() {
  return (
    <PhoneVerify
      {...props}
      onPhoneVerifySent={(e) => seen.push(`sent:${e.detail.channel}`)}
      onPhoneVerifySuccess={(e) => {
        e.preventDefault(); // stay here although the server sent a redirect
        seen.push(`success:${String(e.detail.user.id)}:${e.detail.redirect ?? ''}`);
      }}
      onPhoneVerifyError={(e) => seen.push(`error:${e.detail.code}`)}
    />
  );
}

createRoot(document.getElementById('root')!).render(<App />);
