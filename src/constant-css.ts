import { unsafeCSS, type CSSResult } from 'lit';

/**
 * A style sheet of one constant text, for `static styles`: Lit's `unsafeCSS` is enough when
 * nothing is interpolated (the type allows no values), and it leaves Lit's `css` tag and its
 * interpolation checks out of the CDN file. Named `css` so that editors highlight the
 * template and the CDN build minifies it like any css`` template.
 */
export const css = (text: TemplateStringsArray): CSSResult => unsafeCSS(text.join(''));
