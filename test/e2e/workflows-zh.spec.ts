import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { chooseOption, clinicPerSpec, interrogate, openNav, PASSWORD, signIn, writeOrder } from './clinic';
import { refillUpToWithdrawnZh } from './refill-steps';

// Every clinical workflow once in Chinese, on its own clinic database.
test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec();

test('医生调整剂量：软限制确认、核对人签名、回读确认', async ({ page }) => {
  await signIn(page, host, 'dr.li', 'zh-CN');
  await openNav(page, '程控');
  await interrogate(page);
  await page.getByLabel('新日剂量（mg/天）').fill('4.2');
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'soft');
  await page.getByTestId('review-button').click();
  const finish = page.getByTestId('finish-screen');
  await expect(finish).toContainText('程控确认');
  await expect(finish.getByTestId('library-verdict')).toContainText('软限制');
  await finish.getByRole('checkbox').check();
  await finish.getByLabel('理由（记录到审计追踪）').fill('疼痛控制不佳，已与患者沟通');
  await finish.getByLabel('核对人用户名').fill('dr.chen');
  await finish.getByLabel('核对人密码').fill(PASSWORD);
  await page.screenshot({ path: 'docs/screenshots/finish-screen-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await page.getByTestId('program-button').click();
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await expect(page.getByTestId('program-outcome')).toContainText('已确认');
});

test('硬限制阻止更改', async ({ page }) => {
  await signIn(page, host, 'dr.li', 'zh-CN');
  await openNav(page, '程控');
  await interrogate(page);
  await page.getByLabel('新日剂量（mg/天）').fill('30');
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toContainText('硬限制');
  await page.getByTestId('review-button').click();
  await expect(page.getByTestId('program-button')).toBeDisabled();
  await expectNoSeriousA11yViolations(page);
});

test('护士加药：偏差标记、核对人、打印报告', async ({ page }) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '4.2', fillVolumeMl: '20' }, 'zh-CN');
  await refillUpToWithdrawnZh(page, host, 'MOR-9');
  await page.getByLabel('抽出量').fill('11');
  await page.getByTestId('reservoir-emptied').check();
  await expect(page.getByTestId('discrepancy')).toContainText('囊袋误注');
  // 偏差已标记：先记录已核查的内容和患者状况，方可完成加药。
  await page.getByTestId('discrepancy-ack').getByLabel('已核查的内容').fill('抽吸至无液体抽出；泵囊袋无肿胀');
  await page.getByTestId('discrepancy-ack').getByLabel('患者状况').fill('神志清楚，无过量或戒断征象');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel(/注入量（储药囊容量/).fill('20');
  await expect(page.getByTestId('refill-forecast')).toContainText('最晚加药日期');
  await page.getByRole('button', { name: '下一步' }).click();
  const finish = page.getByTestId('refill-finish');
  await finish.getByLabel('核对人用户名').fill('nurse.zhao');
  await finish.getByLabel('核对人密码').fill(PASSWORD);
  await page.getByTestId('refill-submit').click();
  await expect(page.getByTestId('refill-report')).toContainText('加药记录报告');
  await expect(page.getByTestId('patient-card')).toContainText('最晚加药日期');
  // Units as written in Chinese on the card and the report; the report's next-refill row says its label once.
  await expect(page.getByTestId('patient-card')).toContainText('mg/天');
  await expect(page.getByTestId('patient-card')).not.toContainText('mg/day');
  await expect(page.getByTestId('refill-report')).toContainText('mL/天');
  await expect(page.getByTestId('refill-report').getByTestId('forecast-text').first()).not.toContainText(
    '最晚加药日期',
  );
  // No clinic name or phone in the site settings: the card and the report say so, visibly.
  await expect(page.getByTestId('card-clinic')).toHaveText(
    '诊所名称未设置 — 诊所电话未设置（请管理员在站点设置中填写）',
  );
  await expect(page.getByTestId('refill-report').getByTestId('clinic')).toContainText('诊所电话未设置');
  await page.screenshot({ path: 'docs/screenshots/refill-report-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
});

test('审计追踪与患者记录', async ({ page }) => {
  await signIn(page, host, 'dr.li', 'zh-CN');
  await openNav(page, '审计追踪');
  await expect(page.getByTestId('chain-status')).toContainText('审计链已验证');
  await expect(page.getByTestId('audit-scroller')).toContainText('加药记录');
  await page.screenshot({ path: 'docs/screenshots/audit-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await openNav(page, '患者');
  await page.getByRole('button', { name: 'Zhang Wei' }).click();
  await expect(page.getByTestId('patient-detail')).toContainText('非癌性疼痛');
  await expect(page.getByRole('figure', { name: '疼痛（VAS）与日剂量' })).toBeVisible();
  // The order the refill carried out, and a new one written and withdrawn (with a reason).
  const orders = page.getByTestId('orders-table');
  await expect(orders.getByRole('row').filter({ hasText: '吗啡 10 mg/mL' })).toContainText('已执行');
  const form = page.getByTestId('orders');
  await chooseOption(page, form.getByLabel('药物', { exact: true }), '吗啡');
  await form.getByLabel('浓度', { exact: true }).fill('10');
  await form.getByLabel('日剂量', { exact: true }).fill('4.2');
  await form.getByRole('button', { name: '开具医嘱' }).click();
  const open = orders.getByRole('row').filter({ hasText: '待执行' });
  await expect(open).toHaveCount(1);
  await open.getByRole('button', { name: '取消医嘱' }).click();
  await open.getByLabel('取消原因').fill('剂量待复诊后再定');
  await open.getByRole('button', { name: '确认取消' }).click();
  await expect(orders.getByRole('row').filter({ hasText: '已取消' })).toHaveCount(1);
  await page.screenshot({ path: 'docs/screenshots/patient-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
});

test('管理员：药物库与站点设置', async ({ page }) => {
  await signIn(page, host, 'admin', 'zh-CN');
  await openNav(page, '药物库');
  // A soft maximum above the hard one (the hard is 25 mg/day) is named before anything is saved.
  await page.getByLabel('吗啡 最大日剂量 软限制').fill('30');
  await expect(page.getByTestId('library-problem')).toContainText('吗啡：软限制上限高于硬限制上限');
  await expect(page.getByRole('button', { name: '保存为新版本' })).toBeDisabled();
  await page.getByLabel('吗啡 最大日剂量 软限制').fill('12');
  await expect(page.getByTestId('library-problem')).toHaveCount(0);
  await page.getByRole('button', { name: '保存为新版本' }).click();
  await expect(page.getByText('已保存为版本 2；需经药师确认。')).toBeVisible();
  // Four eyes: whoever saved the version does not confirm it; a second pharmacist does.
  await page.getByRole('button', { name: '确认此版本（药师）' }).click();
  await expect(page.getByTestId('error-alert')).toContainText('须由编辑者以外的另一人执行');
  await signIn(page, host, 'pharm.sun', 'zh-CN');
  await openNav(page, '药物库');
  await page.getByRole('button', { name: '确认此版本（药师）' }).click();
  await expect(page.getByTestId('library-version')).toContainText('已由 pharm.sun 确认');
  await page.screenshot({ path: 'docs/screenshots/library-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await openNav(page, '站点设置');
  await page.getByLabel('无操作自动锁定（分钟）').fill('10');
  await page.getByRole('button', { name: '保存设置' }).click();
  await expect(page.getByText('设置已保存并记录到审计追踪。')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test('服务器拒绝以中文显示：患者编号已存在，不出现英文句子', async ({ page }) => {
  await signIn(page, host, 'dr.li', 'zh-CN');
  await openNav(page, '患者');
  await page.getByRole('button', { name: '新建患者' }).click();
  await page.getByLabel('患者编号', { exact: true }).fill('P-0001');
  await page.getByLabel('姓名', { exact: true }).fill('张伟');
  await page.getByRole('button', { name: '创建患者' }).click();
  const alert = page.getByTestId('error-alert');
  await expect(alert).toHaveAttribute('data-code', 'CONFLICT');
  await expect(alert).toContainText('与已有记录冲突：患者编号 P-0001 已存在');
  await expect(alert).not.toContainText(/[A-Za-z]+[ ,;:]+[A-Za-z]+[ ,;:]+[A-Za-z]+/);
  // Nothing was written: the search finds one P-0001.
  await page.getByLabel('按姓名或患者编号搜索').fill('P-0001');
  await expect(page.getByTestId('patients-table').getByRole('row').filter({ hasText: 'P-0001' })).toHaveCount(1);
});
