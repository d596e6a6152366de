// widget/test/reduced-motion.test.ts
// prefers-reduced-motion (WCAG 2.2 SC 2.3.3): no transitions when the person asked for none.
// Its own file because Firefox and WebKit can set the preference only when they start: their
// `*-media` launch runs this file with it set (web-test-runner.config.mjs).

import { expect } from '@open-wc/testing';
import { canHave, emulate, loaded, part, resetMedia, resetServer } from './helpers.js';

describe('<phone-verify> and prefers-reduced-motion', () => {
  beforeEach(resetServer);
  afterEach(resetMedia);

  if (canHave({ reducedMotion: 'no-preference' })) {
    it('should animate without prefers-reduced-motion', async () => {
      await emulate({ reducedMotion: 'no-preference' });
      const el = await loaded();
      expect(getComputedStyle(part(el, 'submit')).transitionDuration).to.not.equal('0s');
    });
  }

  if (canHave({ reducedMotion: 'reduce' })) {
    it('should not animate with prefers-reduced-motion', async () => {
      const el = await loaded();
      await emulate({ reducedMotion: 'reduce' });
      expect(getComputedStyle(part(el, 'submit')).transitionDuration).to.equal('0s');
    });
  }
});
