// The embed app's stylesheet, served as /__emulator/app.css (no inline styles, so the
// page works under a strict Content-Security-Policy). System fonts only: no network.
export const APP_CSS = String.raw`
:root {
  --ink: #14213d; --muted: #5b6478; --line: #e3e7ef; --bg: #f5f7fb; --card: #fff;
  --brand: #1b3a6b; --brand-2: #2f6fed; --ok: #0f8a5f; --ok-bg: #e6f6ef; --warn: #9a5b00; --warn-bg: #fff4dc;
  --bad: #b42318; --bad-bg: #fdecea; --radius: 12px;
  color-scheme: light;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
html, body { margin: 0; min-height: 100%; }
[hidden] { display: none !important; }
button, input, select { font: inherit; color: inherit; }
button { cursor: pointer; }

.topbar { display: flex; align-items: center; gap: 20px; padding: 0 20px; height: 56px; background: var(--brand); color: #fff; }
.logo { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 17px; letter-spacing: .2px; }
.logo svg { width: 26px; height: 26px; }
.badge { font-size: 10px; font-weight: 700; letter-spacing: .08em; text-transform: uppercase; padding: 2px 6px; border-radius: 999px; background: #ffc53d; color: #3d2a00; }
.nav { display: flex; gap: 4px; margin-left: 8px; }
.nav a { color: #c9d6f2; text-decoration: none; padding: 6px 10px; border-radius: 8px; font-weight: 500; }
.nav a[aria-current="page"] { color: #fff; background: rgba(255,255,255,.12); }
.spacer { flex: 1; }
.user { display: flex; align-items: center; gap: 10px; min-width: 0; }
.avatar { flex: none; width: 30px; height: 30px; border-radius: 50%; display: grid; place-items: center; background: #ffffff26; font-weight: 700; font-size: 12px; text-transform: uppercase; }
.user-email { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 260px; }
.btn { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--line); background: var(--card); border-radius: 8px; padding: 7px 12px; font-weight: 600; white-space: nowrap; }
.btn:hover { border-color: #c5cddc; }
.btn-primary { background: var(--brand-2); border-color: var(--brand-2); color: #fff; }
.btn-primary:hover { background: #255ed1; border-color: #255ed1; }
.topbar .btn { background: transparent; color: #fff; border-color: #ffffff40; }
.topbar .btn:hover { background: #ffffff1a; }

main { padding: 20px; display: grid; gap: 20px; grid-template-columns: minmax(0, 1.4fr) minmax(0, 1fr); max-width: 1200px; margin: 0 auto; }
@media (max-width: 760px) { main { grid-template-columns: 1fr; } .nav { display: none; } }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 18px; box-shadow: 0 1px 2px rgba(20,33,61,.04); }
.card h2 { margin: 0 0 4px; font-size: 16px; }
.card .sub { margin: 0 0 14px; color: var(--muted); }
.welcome { grid-column: 1 / -1; display: flex; align-items: center; gap: 14px; background: linear-gradient(100deg, #e8f0ff, #f3f7ff); border-color: #d6e2fb; }
.welcome h1 { margin: 0; font-size: 18px; }
.welcome p { margin: 2px 0 0; color: var(--muted); }
.pill { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; font-weight: 600; padding: 3px 9px; border-radius: 999px; background: var(--ok-bg); color: var(--ok); }
.pill::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }

.tabs { display: flex; gap: 6px; margin-bottom: 14px; }
.tabs span { display: inline-flex; align-items: center; gap: 6px; padding: 5px 12px; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); font-weight: 600; font-size: 13px; }
.tabs span.on { background: var(--brand); border-color: var(--brand); color: #fff; }
form.search { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
form.search label { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; font-size: 12px; font-weight: 600; color: var(--muted); }
form.search input, form.search select { min-width: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; background: #fbfcfe; }
form.search input:focus, form.search select:focus { outline: 2px solid #2f6fed55; border-color: var(--brand-2); }
form.search .actions { grid-column: 1 / -1; display: flex; justify-content: flex-end; }
.results { margin-top: 16px; display: grid; gap: 8px; }
.result { display: grid; grid-template-columns: 1fr auto auto; gap: 12px; align-items: center; padding: 10px 12px; border: 1px solid var(--line); border-radius: 10px; }
.result .when { font-weight: 600; }
.result .meta { color: var(--muted); font-size: 12px; }
.result .price { font-weight: 700; }

.trips { display: grid; gap: 10px; }
.trip { display: grid; grid-template-columns: 44px 1fr auto; gap: 12px; align-items: center; padding: 10px; border: 1px solid var(--line); border-radius: 10px; }
.trip .icon { width: 44px; height: 44px; border-radius: 10px; display: grid; place-items: center; background: #eef3ff; color: var(--brand-2); }
.trip .icon .ico { width: 22px; height: 22px; }
.ico { width: 15px; height: 15px; flex: none; }
.trip .route { font-weight: 600; }
.trip .dates { color: var(--muted); font-size: 12px; }
.status { font-size: 11px; font-weight: 700; padding: 3px 8px; border-radius: 999px; background: var(--ok-bg); color: var(--ok); }
.status.pending { background: var(--warn-bg); color: var(--warn); }
.foot { grid-column: 1 / -1; color: var(--muted); font-size: 12px; text-align: center; }

.center { min-height: 100vh; display: grid; place-items: center; padding: 24px; }
.panel { max-width: 520px; text-align: center; }
.panel h1 { font-size: 18px; margin: 14px 0 6px; }
.panel p { color: var(--muted); margin: 6px 0; }
.panel code, .status-page code { background: #eef1f7; padding: 1px 5px; border-radius: 5px; font-size: 12.5px; }
.spinner { width: 34px; height: 34px; margin: 0 auto; border-radius: 50%; border: 3px solid #d6def0; border-top-color: var(--brand-2); animation: spin .8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 3s; } }
.hint { margin-top: 14px; text-align: left; background: var(--warn-bg); color: #5c3b00; border: 1px solid #f3dca6; border-radius: 10px; padding: 10px 12px; }
.error-icon { width: 44px; height: 44px; margin: 0 auto; border-radius: 50%; display: grid; place-items: center; background: var(--bad-bg); color: var(--bad); font-weight: 800; font-size: 22px; }
.error-icon.info { background: #e8f0ff; color: var(--brand-2); font-family: Georgia, serif; }
.error-code { display: inline-block; margin-top: 6px; font: 600 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--bad); background: var(--bad-bg); padding: 3px 8px; border-radius: 6px; }
.panel .btn { margin-top: 14px; }

.status-page { max-width: 760px; margin: 32px auto; padding: 0 20px; }
.status-page .card { margin-top: 16px; }
.status-page dl { display: grid; grid-template-columns: 160px 1fr; gap: 8px 14px; margin: 0; }
.status-page dt { color: var(--muted); font-weight: 600; }
.status-page dd { margin: 0; overflow-wrap: anywhere; }
.status-page .warn { color: var(--warn); }
`;
