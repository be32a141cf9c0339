// Opens an inspectctl report page in Debian's chromium (headless, no
// sandbox, no background networking) and checks that it reads:
//   node report.mjs PAGE.html VISITS COVERAGE_D SHOT.png
// VISITS is the report's count of visits, COVERAGE_D class D's coverage as
// the bar's label shows it ("2.3%"). Prints "ok - ..." lines, exits 1 on a
// failure.
import { checker, launch } from './harness.mjs';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

const [page_path, visits, coverage_d, shot] = process.argv.slice(2);
if (!shot) {
	console.error('usage: node report.mjs PAGE VISITS COVERAGE_D SHOT');
	process.exit(2);
}
const url = 'file://' + resolve(page_path);
const { check, failures } = checker();

const browser = await launch();
try {
	// The page has no script: it must read the same with JavaScript off.
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	const fetched = [], blocked = [];
	page.on('request', (r) => { if (!r.url().startsWith('file:')) fetched.push(r.url()); });
	page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) blocked.push(m.text()); });
	await page.goto(url);
	check((await page.title()).startsWith('双随机抽查统计'), 'the title reads in Chinese');
	const charts = page.locator('figure svg');
	check(await charts.count() === 5, 'five charts, the review\'s among them');
	for (let i = 0; i < await charts.count(); i++) {
		const box = await charts.nth(i).boundingBox();
		check(box && box.width > 100 && box.height > 20, `chart ${i + 1} is drawn`);
	}
	const rows = await page.locator('#t-summary tbody tr').allInnerTexts();
	check(rows.some((r) => r.split('\t')[0] === 'visits' && r.split('\t')[1] === visits),
	      `the summary counts ${visits} visits`);
	const d = page.locator('#chart-coverage text', { hasText: coverage_d });
	check(await d.count() === 1, `class D's coverage bar reads ${coverage_d}, as the CSV`);
	check(await page.locator('#chart-rates line.ci').count() >= 1,
	      'the problem rates carry their confidence intervals');
	check(await page.locator('#t-review tbody tr').count() === 4, 'a suggested rate for each class');
	check((await page.locator('footer').innerText()).includes('不予公开'),
	      'the page says it is not for publication');

	await page.emulateMedia({ media: 'print' });
	check(await page.locator('#chart-coverage').isVisible(), 'the charts print');
	await page.emulateMedia({ media: 'screen' });
	await page.screenshot({ path: shot, fullPage: true });
	check(statSync(shot).size > 10000, 'a screenshot was taken');
	check(fetched.length === 0, 'nothing is fetched from anywhere');
	const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').count();
	check(csp === 1, 'the page carries a Content-Security-Policy');
	check(blocked.length === 0, 'its own style passes the policy: ' + blocked.join('; '));
	await context.close();
} finally {
	await browser.close();
}
process.exit(failures() ? 1 : 0);
