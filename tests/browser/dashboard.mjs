// Opens inspectd's staff dashboard in Debian's chromium (headless, no
// sandbox, no background networking) and checks that it works:
//   node dashboard.mjs BASE_URL TOKEN CAMPAIGN SHOT.png
// BASE_URL is inspectd's HTTP address (http://127.0.0.1:PORT), TOKEN a
// staff token that sees CAMPAIGN, a campaign with overdue results. Prints
// "ok - ..." lines, exits 1 on a failure.
import { checker, launch } from './harness.mjs';
import { statSync } from 'node:fs';

const [base, token, campaign, shot] = process.argv.slice(2);
if (!shot) {
	console.error('usage: node dashboard.mjs BASE_URL TOKEN CAMPAIGN SHOT');
	process.exit(2);
}
const { check, failures } = checker();
const auth = { Authorization: `Bearer ${token}` };

// The page and what it asked for: nothing from elsewhere, nothing the
// page's Content-Security-Policy blocked.
function watch(page) {
	const seen = { elsewhere: [], blocked: [] };
	page.on('request', (r) => { if (!r.url().startsWith(base)) seen.elsewhere.push(r.url()); });
	page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) seen.blocked.push(m.text()); });
	return seen;
}

const browser = await launch();
try {
	// Without a token: 401, and no campaign on it.
	const bare = await browser.newContext();
	const anon = await bare.newPage();
	const res = await anon.goto(`${base}/dashboard`);
	check(res.status() === 401, 'without a token the dashboard answers 401');
	check(!(await anon.content()).includes(campaign), 'and shows nothing of the campaigns');
	await bare.close();

	// With JavaScript off, the page is whole.
	const off = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: auth });
	const page = await off.newPage();
	const seen = watch(page);
	await page.goto(`${base}/dashboard`);
	check((await page.title()).includes('智能看板'), 'the title reads 智能看板');
	const row = page.locator('#campaigns tbody tr', { has: page.locator(`a:text-is("${campaign}")`) });
	check(await row.count() === 1, `campaign ${campaign} is listed`);
	const overdue = row.locator('td.overdue').first();
	check(await overdue.count() === 1 && Number(await overdue.innerText()) > 0,
	      'its overdue results are counted and marked');
	const top = page.locator('#campaigns tbody tr').first().locator('td.overdue').first();
	check(await top.count() === 1 && Number(await top.innerText()) > 0,
	      'a campaign with overdue results comes first');
	check(await page.locator('h2#visits').count() === 1 && await page.locator('h2#refused').count() === 1,
	      "today's visits and the refused entries have their sections");
	await page.screenshot({ path: shot, fullPage: true });
	check(statSync(shot).size > 10000, "a screenshot was taken");
	await row.locator('a').first().click();
	await page.waitForURL(`${base}/dashboard/campaign/${campaign}`);
	check((await page.locator('h1').innerText()) === campaign, "the link opens the campaign's page");
	check(await page.locator('#campaigns tbody tr').count() === 1, 'which lists that campaign only');
	check(seen.elsewhere.length === 0, 'nothing is fetched from elsewhere: ' + seen.elsewhere.join(' '));
	await off.close();

	// A browser without a proxy signs in with the token once, by a
	// form (no script): a cookie, then the dashboard; sign out ends it.
	const form = await browser.newContext({ javaScriptEnabled: false });
	const login = await form.newPage();
	await login.goto(`${base}/login`);
	await login.fill('input[name=token]', 'not-a-token-0123456789');
	await login.click('button[type=submit]');
	check((await login.content()).includes('令牌无效'), 'a wrong token is refused at sign-in');
	await login.fill('input[name=token]', token);
	await login.click('button[type=submit]');
	check(login.url() === `${base}/dashboard` &&
	      (await login.locator(`a:text-is("${campaign}")`).count()) >= 1,
	      'signing in with the token opens the dashboard: ' + login.url());
	await login.locator('a[href="/logout"]').click();
	const after = await login.goto(`${base}/dashboard`);
	check(after.status() === 401, 'signing out ends it');
	await form.close();

	// With JavaScript on, its one script passes the page's policy.
	const on = await browser.newContext({ extraHTTPHeaders: auth });
	const live = await on.newPage();
	const seen2 = watch(live);
	await live.goto(`${base}/dashboard`);
	await live.waitForTimeout(300);
	check(seen2.blocked.length === 0, 'the reload script passes the policy: ' + seen2.blocked.join('; '));
	await on.close();
} finally {
	await browser.close();
}
process.exit(failures() ? 1 : 0);
