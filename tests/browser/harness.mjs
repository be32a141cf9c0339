// What the page tests share: Debian's chromium, headless, without sandbox
// or background networking, and "ok - ..." lines counted.
import { chromium } from 'playwright-core';

export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-background-networking',
		       '--disable-component-update', '--no-first-run'],
	});
}

// check(ok, what) prints a TAP line; failures() says how many failed.
export function checker() {
	let failed = 0;
	const check = (ok, what) => {
		console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
		if (!ok)
			failed++;
	};
	return { check, failures: () => failed };
}
