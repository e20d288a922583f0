import { expect, type Page } from '@playwright/test';
import { interrogate, openNav, PASSWORD } from './clinic';

/** The programming screen's words these steps use, in the language a spec runs in. */
export interface ProgramWords {
  programming: string;
  dose: string;
  reason: string;
  witness: string;
  witnessPassword: string;
}

export const programWordsEn: ProgramWords = {
  programming: 'Programming',
  dose: 'New daily dose (mg/day)',
  reason: 'Reason (recorded in the audit trail)',
  witness: 'Witness user name',
  witnessPassword: 'Witness password',
};

/**
 * Dr Li (signed in) changes the dose with Dr Chen as witness, from the programming screen, and
 * reaches the outcome: a soft limit, if the change passes one, acknowledged with a reason.
 */
export async function programWithWitness(page: Page, w: ProgramWords, dose: string): Promise<void> {
  await openNav(page, w.programming);
  await interrogate(page);
  await page.getByLabel(w.dose).fill(dose);
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toBeVisible();
  await page.getByTestId('review-button').click();
  const finish = page.getByTestId('finish-screen');
  // The Finish screen's verdict on screen before it is read: a soft one asks for the acknowledgement.
  const verdict = finish.getByTestId('library-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', /^(ok|soft)$/);
  if ((await verdict.getAttribute('data-verdict')) === 'soft') {
    await finish.getByRole('checkbox').check();
    await finish.getByLabel(w.reason).fill('Pain not controlled; discussed with the patient');
  }
  await finish.getByLabel(w.witness).fill('dr.chen');
  await finish.getByLabel(w.witnessPassword).fill(PASSWORD);
  await page.getByTestId('program-button').click();
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
}
