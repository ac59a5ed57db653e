/** Locales of every user-facing text: Latin American Spanish first, English second. */
export type Locale = 'es' | 'en';

export const defaultLocale: Locale = 'es';

/**
 * Picks the locale from an HTTP `Accept-Language` header or a POSIX `LANG`
 * value (`en_US.UTF-8`). English only when English ranks above Spanish;
 * anything else, including a missing value, gives Spanish.
 */
export function pickLocale(value: string | undefined | null): Locale {
  if (!value) return defaultLocale;

  const ranked = value
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.find((p) => p.trim().startsWith('q='));
      const q = qParam ? Number(qParam.trim().slice(2)) : 1;
      return { language: tag.trim().toLowerCase().slice(0, 2), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);

  for (const entry of ranked) {
    if (entry.language === 'es') return 'es';
    if (entry.language === 'en') return 'en';
  }
  return defaultLocale;
}

export type Catalogue<K extends string> = Record<K, Record<Locale, string>>;

/** Fills `{name}` placeholders of a catalogue entry; unknown placeholders stay visible. */
export function translate<K extends string>(
  catalogue: Catalogue<K>,
  key: K,
  locale: Locale,
  params: Record<string, string | number> = {},
): string {
  const template = catalogue[key][locale];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
