// Drives the web page in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// dev sign-in, resume dropped onto the drop zone, posting pasted, live status, report, one change
// unticked, accept, PDF download, history. Started by tests/system/web.rs, which runs the node
// and checks the downloaded PDF; this script writes what it saw to $OUT_DIR/result.json.
//
// env: RESUMAX_URL, RESUME_FILE, JD_FILE, UNCHECK (a change id), OUT_DIR, CHROMIUM,
//      SIDEBAR_RESUME_FILE (a two-column resume: its layout warning must show),
//      SCREENSHOTS_DIR (optional: also write the README's screenshots there)
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env("RESUMAX_URL");
const out = env("OUT_DIR");
const uncheck = env("UNCHECK");
const shots = process.env.SCREENSHOTS_DIR;
// What the person writes instead of one suggestion; the saved file must hold it.
const EDITED_TEXT = "Rebuilt the release checklist with the support team";
// Generous waits for a slow shared machine; the test asserts outcomes, never durations.
const PATIENCE = 120_000;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function screenshot(target, name) {
  const path = join(out, name);
  await target.screenshot({ path });
  if (shots) {
    mkdirSync(shots, { recursive: true });
    copyFileSync(path, join(shots, name));
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
const problems = [];
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // A CSP violation or a script error shows up here; the page must have none.
  // (The one refused upload below is expected: Chromium logs its 415.)
  page.on("console", (message) => {
    const expected = /status of 415/.test(message.text());
    if (message.type() === "error" && !expected) problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.setDefaultTimeout(PATIENCE);

  await page.goto(base);
  // Every form control has a label a screen reader announces.
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, textarea, select")]
      .filter((c) => !c.labels.length && !c.getAttribute("aria-label"))
      .map((c) => c.id || c.name),
  );
  check(unlabelled.length === 0, `controls without a label: ${unlabelled}`);

  // Dev sign-in (the node runs on its generated key, on loopback).
  await page.getByLabel("User name").fill("web-e2e");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Signed in as web-e2e").waitFor();

  // An error answers with the API's own message: a posting given as the resume (chosen with the
  // file chooser, the keyboard path) is refused as unsupported_format.
  await page.getByLabel("Paste the posting").fill(readFileSync(env("JD_FILE"), "utf8"));
  await page.locator("#resume-file").setInputFiles(env("JD_FILE"));
  await page.getByRole("button", { name: "Optimize" }).click();
  await page.locator("#error").waitFor({ state: "visible" });
  const shown = (await page.locator("#error").textContent()).trim();
  const apiMessage = await page.evaluate(async (text) => {
    const form = new FormData();
    form.append("file", new File([text], "posting.txt", { type: "text/plain" }));
    const response = await fetch("/resumes", {
      method: "POST",
      headers: { authorization: `Bearer ${sessionStorage.getItem("resumax.token")}` },
      body: form,
    });
    return (await response.json()).message;
  }, readFileSync(env("JD_FILE"), "utf8"));
  check(shown === apiMessage, `the page shows the API's message: ${JSON.stringify(shown)} vs ${JSON.stringify(apiMessage)}`);

  // The resume arrives by drag and drop: a real `drop` event carrying the file.
  const resumeBytes = readFileSync(env("RESUME_FILE")).toString("base64");
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const binary = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([binary], name, { type: "application/pdf" }));
      return transfer;
    },
    { bytes: resumeBytes, name: basename(env("RESUME_FILE")) },
  );
  await page.locator("#resume-drop").dispatchEvent("drop", { dataTransfer });
  await page.getByText(basename(env("RESUME_FILE"))).waitFor();
  await page.getByRole("button", { name: "Optimize" }).click();

  // Live status: the steps advance to "Done" from the event stream.
  await page.locator("#status li.current", { hasText: "Done" }).waitFor();
  check(!(await page.locator("#error").isVisible()), `error shown: ${await page.locator("#error").textContent()}`);
  const before = Number(await page.locator("#score-before").textContent());
  const after = Number(await page.locator("#score-after").textContent());
  check(after >= before, `score after ${after} below before ${before}`);
  const breakdownRows = await page.locator("#breakdown tr").count();
  check(breakdownRows > 0, "breakdown has rows");
  const matchedChips = await page.locator("#matched .chip").count();
  const missingChips = await page.locator("#missing .chip").count();
  check(matchedChips + missingChips > 0, "requirement chips shown");
  await screenshot(page.locator("#report"), "report.png");

  // The diff: one checkbox per change; untick one, keep the rest.
  const changes = page.locator("#diff .change");
  const count = await changes.count();
  check(count >= 2, `at least two changes to choose from (got ${count})`);
  const seen = [];
  for (let i = 0; i < count; i++) {
    const change = changes.nth(i);
    seen.push({
      changeId: await change.getAttribute("data-change-id"),
      original: (await change.locator(".original .text").textContent()).trim(),
      suggested: (await change.locator(".optimized .text").textContent()).trim(),
      checked: await change.locator('input[type="checkbox"]').isChecked(),
      uncertain: (await change.getAttribute("class")).includes("uncertain"),
      highlighted: await change.locator("ins, del").count(),
    });
  }
  for (const change of seen) {
    check(change.checked === !change.uncertain, `${change.changeId}: ticked exactly when certain`);
    check(change.highlighted > 0, `${change.changeId}: word-level highlights`);
  }
  const unticked = seen.find((c) => c.changeId === uncheck);
  check(unticked, `change ${uncheck} is on the page (have ${seen.map((c) => c.changeId)})`);
  // Unticked from the keyboard: focus the checkbox, press Space.
  const box = page.getByLabel(new RegExp(`^Keep change ${uncheck}:`));
  await box.focus();
  await page.keyboard.press("Space");
  check(!(await box.isChecked()), `${uncheck} unticked by keyboard`);
  await page.getByText(`${count - 1} of ${count} changes kept`).waitFor();
  // Another change in the person's own words: Edit opens its text, starting from the suggestion.
  const edited = seen.find((c) => c.changeId !== uncheck);
  await page.getByRole("button", { name: `Edit change ${edited.changeId}` }).click();
  const area = page.getByLabel(`Your text for change ${edited.changeId}`);
  check((await area.inputValue()).trim() === edited.suggested, `the edit of ${edited.changeId} starts from the suggestion`);
  await area.fill(EDITED_TEXT);
  await screenshot(page.locator("#changes"), "diff.png");

  // Accept with a PDF, then download it.
  await page.getByLabel("DOCX", { exact: true }).uncheck();
  await page.getByLabel("Notes for this version").fill("web e2e");
  await page.getByRole("button", { name: "Save version" }).click();
  await page.locator("#saved-title").waitFor();
  const downloadButton = page.locator("#saved-downloads").getByRole("button", { name: "Download PDF" });
  await downloadButton.waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), downloadButton.click()]);
  const pdf = join(out, "downloaded.pdf");
  await download.saveAs(pdf);
  const versionText = await page.locator("#saved-text").textContent();

  // History lists the version with its download.
  await page.getByRole("link", { name: "History" }).click();
  const version = page.locator("#versions .version").first();
  await version.waitFor();
  const versionId = await version.getAttribute("data-version-id");
  check(versionText.includes(versionId.slice(0, 8)), "history shows the saved version first");
  await version.getByRole("button", { name: "Download PDF" }).waitFor();
  await screenshot(page, "history.png");

  // A two-column resume shows the parser's layout warning, in the API's words.
  const sidebar = process.env.SIDEBAR_RESUME_FILE;
  if (sidebar) {
    await page.getByRole("link", { name: "Optimize" }).click();
    await page.locator("#resume-file").setInputFiles(sidebar);
    await page.getByRole("button", { name: "Optimize" }).click();
    await page.locator("#status li.current", { hasText: "Done" }).waitFor();
    const warning = page.locator('#layout-warnings [data-code="multi_column_layout"]');
    await warning.waitFor();
    check((await warning.textContent()).includes("mixes the columns"), "layout warning text");
  }

  // Narrow screens: nothing is wider than the viewport.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const view of ["Optimize", "History"]) {
    await page.getByRole("link", { name: view }).click();
    const { overflow, wide } = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      wide: [...document.querySelectorAll("body *")]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > window.innerWidth)
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
    }));
    check(overflow <= 0, `${view} fits a 390 px screen (overflows by ${overflow} px: ${wide.join(", ")})`);
  }

  check(problems.length === 0, problems.join("; "));
  writeFileSync(
    join(out, "result.json"),
    JSON.stringify(
      {
        versionId,
        pdf,
        unchecked: unticked,
        edited: { ...edited, text: EDITED_TEXT },
        kept: seen.filter((c) => c.changeId !== uncheck && c.changeId !== edited.changeId),
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
}
