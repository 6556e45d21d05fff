// `npm test` stops here with a one-line hint when there is no browser to run the tests in.
import { chromeHint, findChrome } from './find-chrome.mjs';

if (!findChrome()) {
  console.error(chromeHint);
  process.exit(1);
}
