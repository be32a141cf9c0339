// Opens an exported disclosure page in Debian's chromium (headless, no
// sandbox, no background networking) and checks that it reads and works:
//   node disclosure.mjs PAGE.html USCC ROWS ROWS_WITH_01 SHOT.png TODAY [CORRECTED]
// USCC is an entity of the page with a result; ROWS the visits, ROWS_WITH_01
// how many have result 01; TODAY the date (YYYY-MM-DD) no day on the page
// may lie after; CORRECTED an entity whose result its department corrected.
// Prints "ok - ..." lines, exits 1 on a failure.
import { checker, launch } from './harness.mjs';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

const [page_path, uscc, rows, with01, shot, today, corrected] = process.argv.slice(2);
if (!today) {
	console.error('usage: node disclosure.mjs PAGE USCC ROWS ROWS_WITH_01 SHOT TODAY');
	process.exit(2);
}
const url = 'file://' + resolve(page_path);
const { check, failures } = checker();

const browser = await launch();
try {
	const page = await browser.newPage();
	const fetched = [], blocked = [];
	page.on('request', (r) => { if (!r.url().startsWith('file:')) fetched.push(r.url()); });
	page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) blocked.push(m.text()); });
	await page.goto(url);
	const visible = () => page.locator('#visits tbody tr:visible').count();
	check((await page.title()).startsWith('双随机抽查结果公示'), 'the title reads in Chinese');
	check((await page.locator('h1').innerText()).includes('双随机、一公开'), 'the heading reads in Chinese');
	check(await visible() === Number(rows), `all ${rows} visits are listed`);
	check(await page.locator('#filters').isVisible(), 'the script shows the search');

	await page.fill('#q', uscc);
	const found = page.locator('#visits tbody tr:visible');
	check(await found.count() === 1 && (await found.innerText()).includes(uscc),
	      'searching a USCC leaves its row only');
	await page.fill('#q', '');
	await page.selectOption('#result-filter', '01');
	check(await visible() === Number(with01), `filtering result 01 leaves ${with01} rows`);
	check((await page.locator('#count').innerText()).includes(`${with01} / ${rows}`),
	      'the count says how many are shown');
	await page.selectOption('#result-filter', '');
	check(await visible() === Number(rows), 'clearing the filter shows every row');

	// No tip-off: a visit still to come shows no day, and no day on the
	// page lies after today (the visits' planned days are weeks ahead).
	const rowsText = await page.locator('#visits tbody tr').evaluateAll((trs) =>
		trs.map((tr) => [tr.getAttribute('data-result') || '', tr.innerText]));
	const dated = /\d{4}-\d{2}-\d{2}/;
	check(rowsText.every(([res, text]) => res !== 'none' || !dated.test(text)),
	      'a visit without its result shows no day');
	const days = (await page.locator('#visits').innerText()).match(/\d{4}-\d{2}-\d{2}/g) || [];
	check(days.length > 0 && days.every((d) => d <= today),
	      `every day in the table is on or before ${today} (${days.length} days)`);

	if (corrected) {
		// The correction shows on the entity's row, with its day.
		const row = page.locator('#visits tbody tr', { hasText: corrected });
		const mark = row.locator('.corrected');
		check(await mark.isVisible() &&
		      (await mark.innerText()).includes(`corrected ${today}`),
		      `the correction of ${corrected} shows, dated ${today}`);
	}

	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator('#filters').isVisible()), 'the print layout leaves the search out');
	await page.emulateMedia({ media: 'screen' });
	await page.screenshot({ path: shot, fullPage: true });
	check(statSync(shot).size > 10000, 'a screenshot was taken');
	check(fetched.length === 0, 'nothing is fetched from anywhere');
	check(await page.evaluate(() => !!document.querySelector(
		'meta[http-equiv="Content-Security-Policy"]')), 'the page carries a Content-Security-Policy');
	check(blocked.length === 0, 'its own style and script pass the policy: ' + blocked.join('; '));

	// Without JavaScript the table still reads, and no dead search shows.
	const plain = await browser.newContext({ javaScriptEnabled: false });
	const p2 = await plain.newPage();
	await p2.goto(url);
	check(await p2.locator('#visits tbody tr:visible').count() === Number(rows),
	      'without JavaScript every visit is listed');
	check(!(await p2.locator('#filters').isVisible()), 'without JavaScript the search is not offered');
	await plain.close();
} finally {
	await browser.close();
}
process.exit(failures() ? 1 : 0);
