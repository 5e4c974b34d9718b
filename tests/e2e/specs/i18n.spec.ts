import type { Locator, Page } from '@playwright/test';
import { connectPbx, expect, test } from '../fixtures';
import { applyConfirmed, continueTo, throughReview } from '../wizard-helpers';

/**
 * Three or more English words in a row (numbers between them allowed): a sentence (or its start) that the catalogue did not
 * word. Single words and pairs pass: product names (Microsoft 365, Entra ID), technical values.
 */
const ENGLISH_RUN = /[A-Za-z]{2,}(?:[ ,]+(?:\d+[ ,]+)?[A-Za-z]{2,}){2,}/g;

/**
 * English runs in the visible text of `root`, outside code and technical values and outside
 * `quoted`: elements that show an engine text which is not a code yet (named where used).
 */
async function englishIn(root: Locator, quoted = ''): Promise<string[]> {
  expect(await root.count()).toBeGreaterThan(0);
  const skip = ['code', 'kbd', '.mono', 'style', 'script', '[hidden]', ...(quoted ? [quoted] : [])].join(', ');
  return root.evaluateAll((elements, [source, skipped]) => {
    const pattern = new RegExp(source, 'g');
    const found: string[] = [];
    for (const element of elements) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent === null || parent.closest(skipped)) continue;
        found.push(...((node.textContent ?? '').match(pattern) ?? []));
      }
    }
    return found;
  }, [ENGLISH_RUN.source, skip] as const);
}

async function chooseChinese(page: Page): Promise<void> {
  await page.getByTestId('language-switch').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
}

test('switching to Chinese words every screen in Chinese, at once and after a reload', async ({ page, shot }) => {
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  const heading = page.getByRole('main').getByRole('heading', { level: 1 });
  await expect(heading).toHaveText('Connect to the PBX');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await chooseChinese(page);
  // No reload: the page already on screen is drawn again in Chinese.
  await expect(heading).toHaveText('连接到 PBX');
  await expect(page.getByLabel('PBX 地址', { exact: true })).toBeVisible();
  expect(await englishIn(page.getByRole('main'))).toEqual([]);
  // The header and the rail too (product names and the version stay as they are).
  expect(await englishIn(page.locator('header.app-header, nav.rail'))).toEqual([]);
  await expect(page.getByRole('link', { name: '仪表板' })).toBeVisible();
  await shot('i18n-zh-connect');

  // Remembered on this computer.
  await page.reload();
  await expect(heading).toHaveText('连接到 PBX');
  await expect(page.getByTestId('language-switch')).toHaveValue('zh-CN');

  await page.goto('/?mock-step-ms=10#/sync/contoso');
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('同步');
  expect(await englishIn(page.getByRole('main'))).toEqual([]);
  await page.getByRole('button', { name: '预览', exact: true }).click();
  const preview = page.getByRole('table', { name: '同步预览' });
  await expect(preview.locator('tbody tr').first()).toBeVisible();
  await expect(page.getByText('显示 30 / 30')).toBeVisible();
  // The engine's notes (PlannedAction.notes) are codes, worded in Chinese like the rest.
  expect(await englishIn(page.getByRole('main'))).toEqual([]);
  await shot('i18n-zh-sync-preview');

  await page.goto('/?mock-step-ms=10#/certificates');
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('证书');
  await expect(page.getByRole('heading', { name: '提醒设置' })).toBeVisible();
  // A mismatch's detail is worded from its cause (CertificateState.cause), the thumbprint quoted.
  await expect(page.locator('.mismatch')).toContainText('不在应用上');
  expect(await englishIn(page.getByRole('main').locator('h1, .lead, .reminders, header, .message, .mismatch, .sides, .checked, .settings'))).toEqual([]);
  await shot('i18n-zh-certificates');

  await page.goto('/?mock-step-ms=10#/dashboard');
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('仪表板');
  await expect(page.getByText('1 项检查未通过')).toBeVisible();
  // The failed checks are named from their IDs (VerificationSummary.failed).
  await expect(page.getByText('✕ 应用持有 PBX 的证书，且日期相同')).toBeVisible();
  expect(await englishIn(page.getByRole('main'))).toEqual([]);
  await shot('i18n-zh-dashboard');

  // And back: English again, without a reload.
  await page.getByTestId('language-switch').selectOption('en');
  await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(page.getByText('1 check failed')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('a screen already drawn in English follows a switch to Chinese: Disconnect\'s places and the rotation\'s steps', async ({ page }) => {
  await page.goto('/?mock-step-ms=10#/dashboard/disconnect/contoso');
  await expect(page.getByRole('heading', { name: 'On the PBX' })).toBeVisible();
  await chooseChinese(page);
  await expect(page.getByRole('heading', { name: 'PBX 上' })).toBeVisible();
  expect(await englishIn(page.getByRole('main'))).toEqual([]);

  await page.getByTestId('language-switch').selectOption('en');
  await page.goto('/?mock-step-ms=10#/certificates/rotate/fabrikam');
  // By its place, not its name: the name changes with the language.
  const steps = page.getByRole('main').locator('ol.steps');
  await expect(steps).toContainText('makes a new key pair');
  await chooseChinese(page);
  await expect(steps).toHaveAttribute('aria-label', '轮换步骤');
  await expect(steps.getByRole('listitem')).toHaveCount(4);
  expect(await englishIn(steps)).toEqual([]);
});

test("the doctor's checks are named in Chinese after the setup's Verify", async ({ page, shot }) => {
  test.setTimeout(90_000);
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await throughReview(page);
  await expect(page.getByTestId('changes-entra')).toContainText('Create the app registration');
  await applyConfirmed(page, 'contoso.example');
  await expect(page.getByTestId('applied')).toBeVisible();
  // Verification runs right after Apply, on the same screen.
  const checks = page.getByTestId('checks');
  await expect(checks.locator('[data-check="pbx-lists-users"]')).toContainText('The PBX lists Microsoft 365 users');

  await chooseChinese(page);
  await expect(checks.locator('[data-check="pbx-lists-users"]')).toContainText('PBX 能列出 Microsoft 365 用户');
  await expect(checks.getByRole('listitem')).toHaveCount(9);
  expect(await englishIn(checks)).toEqual([]);
  await shot('i18n-zh-verify');
});

test("the review's changes are worded in Chinese, each setting named once with its values in Now and After", async ({ page, shot }) => {
  test.setTimeout(90_000);
  await page.goto('/?mock-step-ms=10#/connect-pbx');
  await throughReview(page);
  const entra = page.getByTestId('changes-entra');
  const pbx = page.getByTestId('changes-pbx');
  await expect(entra).toContainText('Create the app registration “PortSIP PBX (contoso.example)”');
  // A setting's row is its name; the values stand in the Now and After columns only.
  const directory = pbx.getByRole('row').filter({ hasText: 'Directory (tenant) ID' });
  await expect(directory.getByRole('cell').first()).toHaveText('Directory (tenant) ID');
  await expect(directory.getByTestId('now')).toHaveText('(not set)');

  await chooseChinese(page);
  await expect(entra).toContainText('创建应用注册“PortSIP PBX (contoso.example)”');
  await expect(entra).toContainText('授予 Graph 应用程序权限 User.Read.All');
  await expect(page.getByTestId('changes-this-computer')).toContainText('创建配置文件“contoso.example”');
  const directoryZh = pbx.getByRole('row').filter({ hasText: '目录（租户）ID' });
  await expect(directoryZh.getByRole('cell').first()).toHaveText('目录（租户）ID');
  await expect(directoryZh.getByTestId('now')).toHaveText('（未设置）');
  await expect(pbx.getByRole('row').filter({ hasText: '同步计划' })).toBeVisible();
  expect(await englishIn(page.locator('[data-testid^="changes-"]'))).toEqual([]);
  await shot('i18n-zh-review');
});

test.describe('on a Chinese system', () => {
  test.use({ locale: 'zh-CN' });

  test('the UI starts in Chinese without being asked', async ({ page }) => {
    await page.goto('/?mock-step-ms=10#/connect-pbx');
    await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('连接到 PBX');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByTestId('language-switch')).toHaveValue('zh-CN');
  });

  test("an engine error (code + params) is worded in Chinese", async ({ page, shot }) => {
    await page.goto('/?mock-fail=microsoft&mock-step-ms=10#/microsoft-account');
    await page.getByRole('button', { name: '登录 Microsoft' }).click();
    const error = page.getByTestId('step-error');
    await expect(error).toContainText('此步骤未完成。');
    await expect(error).toContainText('已在浏览器中取消 Microsoft 登录');
    expect(await englishIn(error)).toEqual([]);
    await shot('i18n-zh-error');
  });
});

test("guided mode's hand steps, the key pair's reason and the review's warnings are worded in Chinese", async ({ page, shot }) => {
  test.setTimeout(90_000);
  // PortSIP 23.0.1 is newer than pbx365 knows: the review warns about it.
  await page.goto('/?mock-step-ms=10&mock-pbx=23.0.1#/connect-pbx');
  await connectPbx(page);
  await page.goto(`${page.url().split('#')[0]}#/microsoft-account`);
  await page.getByLabel(/Guided/).check();
  await page.getByLabel('Directory (tenant) ID', { exact: true }).fill('8d2f7c1e-4b6a-4f0e-9c3d-2a1b5e6f7a80');
  await page.getByLabel('Application (client) ID', { exact: true }).fill('3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5e');
  await page.getByRole('button', { name: 'Check the IDs' }).click();
  await continueTo(page, 'App registration');
  await page.getByRole('button', { name: 'Check the app registration' }).click();
  const handSteps = page.getByTestId('hand-steps');
  await expect(handSteps).toContainText("Add the PBX's Redirect URIs");
  await expect(handSteps.getByRole('link', { name: 'Open Authentication' })).toBeVisible();
  await continueTo(page, 'Key pair');
  await page.getByRole('button', { name: "Check the PBX's certificate" }).click();
  await expect(page.getByTestId('key-reason')).toHaveText('The PBX has no key pair for Microsoft 365 yet; it will generate one.');
  await continueTo(page, 'Admin consent');
  await page.getByRole('button', { name: 'List the permissions' }).click();
  await continueTo(page, 'Sync options');
  await page.getByRole('button', { name: 'Check the sync options' }).click();
  await expect(page.getByTestId('engine-next-runs').getByRole('listitem')).toHaveCount(3);
  await continueTo(page, 'Review & apply');
  await page.getByRole('button', { name: 'Review the changes' }).click();
  const warning = page.getByRole('note').filter({ hasText: 'newer than pbx365 knows' });
  await expect(warning).toHaveText(/The PBX runs PortSIP 23\.0\.1, newer than pbx365 knows \(built for 22\.2\.0 to 22\.6\)/);
  await expect(handSteps).toContainText('Grant admin consent');

  await chooseChinese(page);
  await expect(page.getByRole('note').filter({ hasText: 'PortSIP 23.0.1' })).toContainText('比 pbx365 已知的版本更新');
  await expect(handSteps).toContainText('添加 PBX 的重定向 URI');
  await expect(handSteps).toContainText('授予管理员同意');
  await expect(handSteps.getByRole('link', { name: '打开管理员同意页面' })).toBeVisible();
  await expect(handSteps.getByRole('button', { name: /重定向 URI/ }).first()).toBeVisible();
  expect(await englishIn(handSteps)).toEqual([]);
  expect(await englishIn(page.getByRole('note'))).toEqual([]);
  await shot('i18n-zh-review-guided');

  await page.goto(`${page.url().split('#')[0]}#/key-pair`);
  await expect(page.getByTestId('key-reason')).toHaveText('PBX 还没有用于 Microsoft 365 的密钥对，将生成一个。');
  await page.goto(`${page.url().split('#')[0]}#/app-registration`);
  await expect(handSteps).toContainText('添加 Graph 应用程序权限');
  expect(await englishIn(handSteps)).toEqual([]);
});
