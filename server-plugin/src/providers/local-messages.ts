// server-plugin/src/providers/local-messages.ts
// The local provider's message texts in every language the widget ships, picked by the
// locale the widget sends (`StartRequest.locale`): the SMS a person reads is in the
// language of the page they typed their number into.

/** One language's texts: `{code}`, `{brand}`, `{minutes}`; `{spoken}` is the code digit by digit, for a voice call. */
export interface LocalTexts {
  sms: string;
  voice: string;
}

/**
 * The code first in every text message, so a notification preview shows it; the voice
 * text says the code twice. English is the fallback for a language not listed here.
 */
export const LOCAL_TEXTS: Readonly<Record<string, LocalTexts>> = {
  en: { sms: '{code} is your {brand} code. It expires in {minutes} minutes. Do not share it.', voice: 'Your {brand} code is {spoken}. Again: {spoken}.' },
  ar: {
    sms: '{code} هو رمز {brand} الخاص بك. تنتهي صلاحيته خلال {minutes} دقيقة. لا تشاركه مع أحد.',
    voice: 'رمز {brand} الخاص بك هو {spoken}. مرة أخرى: {spoken}.',
  },
  de: {
    sms: '{code} ist Ihr {brand}-Code. Er läuft in {minutes} Minuten ab. Geben Sie ihn nicht weiter.',
    voice: 'Ihr {brand}-Code lautet {spoken}. Noch einmal: {spoken}.',
  },
  es: { sms: '{code} es tu código de {brand}. Caduca en {minutes} minutos. No lo compartas.', voice: 'Tu código de {brand} es {spoken}. Otra vez: {spoken}.' },
  fr: {
    sms: '{code} est votre code {brand}. Il expire dans {minutes} minutes. Ne le partagez pas.',
    voice: 'Votre code {brand} est {spoken}. Je répète : {spoken}.',
  },
  it: { sms: '{code} è il tuo codice {brand}. Scade tra {minutes} minuti. Non condividerlo.', voice: 'Il tuo codice {brand} è {spoken}. Ripeto: {spoken}.' },
  ja: {
    sms: '{code} は{brand}の確認コードです。{minutes}分で有効期限が切れます。他の人に教えないでください。',
    voice: '{brand}の確認コードは {spoken} です。もう一度言います。{spoken}。',
  },
  nl: {
    sms: '{code} is je {brand}-code. Hij verloopt over {minutes} minuten. Deel hem met niemand.',
    voice: 'Je {brand}-code is {spoken}. Nogmaals: {spoken}.',
  },
  pl: { sms: '{code} to Twój kod {brand}. Wygasa za {minutes} min. Nie udostępniaj go nikomu.', voice: 'Twój kod {brand} to {spoken}. Powtarzam: {spoken}.' },
  'pt-BR': {
    sms: '{code} é o seu código do {brand}. Ele expira em {minutes} minutos. Não o compartilhe.',
    voice: 'Seu código do {brand} é {spoken}. Repetindo: {spoken}.',
  },
  'zh-CN': { sms: '{code} 是您的 {brand} 验证码，{minutes} 分钟内有效。请勿泄露给他人。', voice: '您的 {brand} 验证码是 {spoken}。再说一遍：{spoken}。' },
};

/**
 * The texts for a BCP 47 tag, as the widget resolves its own language: the exact tag,
 * else one of its language (`de-AT` → `de`, `pt-PT` → `pt-BR`, `zh` → `zh-CN` but not
 * Traditional Chinese), else English.
 */
export function localTexts(locale: string | undefined): LocalTexts {
  const lower = (locale ?? 'en').toLowerCase().replace(/_/g, '-');
  const language = lower.split('-')[0];
  const tags = Object.keys(LOCAL_TEXTS);
  const found =
    language === 'zh' && /-(hant|tw|hk|mo)\b/.test(lower)
      ? undefined
      : (tags.find((t) => t.toLowerCase() === lower) ?? tags.find((t) => t.split('-')[0] === language));
  return LOCAL_TEXTS[found ?? 'en']!;
}

/** Fills `{name}` placeholders. */
export function fillText(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
