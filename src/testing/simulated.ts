import type { ModelScript } from './server.js';

export const DEMO_ANSWER =
  'The sky looks blue because of Rayleigh scattering. Sunlight is a mix of every colour, and as it ' +
  'crosses the atmosphere it meets nitrogen and oxygen molecules far smaller than its wavelengths. ' +
  'Those molecules scatter short wavelengths much more strongly than long ones, roughly with the ' +
  'inverse fourth power of the wavelength, so blue light is thrown across the whole sky while red ' +
  'and yellow light mostly travel straight on. Violet is scattered even more, but the Sun emits ' +
  'less of it and our eyes are less sensitive to it, so the sky reads as blue. At sunrise and ' +
  'sunset the light crosses far more air, most of the blue is scattered away before it reaches ' +
  'you, and the reds and oranges are what is left. 🌅';

/** Splits text into word-sized tokens the way a tokenizer roughly would: words keep their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/gu) ?? [];
}

/**
 * A scripted model that writes plausible text at a realistic pace: a model-load pause, then tokens
 * tens of milliseconds apart. The embedded model of `npm run demo`.
 */
export function simulatedModel(options: { text?: string; tokenDelayMs?: number; loadDelayMs?: number } = {}): ModelScript {
  return {
    tokens: tokenize(options.text ?? DEMO_ANSWER),
    tokenDelayMs: options.tokenDelayMs ?? 35,
    loadDelayMs: options.loadDelayMs ?? 600,
  };
}
