// Stops with a one-line hint when there is no Chrome or Chromium to run the tests in, or when
// a browser path given in the environment (CHROME_PATH, ...) leads nowhere.
import { browserPathProblems, chromeHint, findChrome } from './find-chrome.mjs';

const problems = browserPathProblems();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
if (!findChrome()) {
  console.error(chromeHint);
  process.exit(1);
}
