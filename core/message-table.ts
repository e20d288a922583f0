/**
 * Every message the services name, in one table: the key, its English text and, in `{{…}}`, the
 * values it is sent with. The English text is the error's `message` (the CLI, logs and support
 * read it) and the UI's English; the renderer's other languages translate each key with the same
 * values (`renderer/i18n/*.ts`, `serverMessage`, checked by the compiler and test/unit/server-messages.test.ts).
 *
 * Values are sent as the user typed or the pump reported them (decimal strings); units are their
 * own values (`unit`, `…Unit`) so that each language writes them its own way, as are drug names
 * (`drug`, `…Drug`), therapy modes (`mode`) and input fields (`field`).
 */
export const serverMessages = {
  // Orders and patients
  orderPumpRequired: 'choose the pump this order is for, or “any of the patient’s pumps” explicitly',
  noSuchPatient: 'there is no such patient',
  pumpNotThePatients: 'that pump is not implanted in this patient',
  admixtureRates:
    'an admixture runs at one rate, but these doses need different rates ({{rates}}): change a dose or a concentration',
  noSuchOrder: 'there is no order #{{id}}',
  orderNotOpen: 'order #{{id}} is no longer open ({{status}})',
  noSuchAuditRecord: 'there is no audit record #{{seq}}',
  orderAlreadyOpen:
    'order #{{id}} for pump {{pump}} is still open. Cancel it (with the reason) before writing another order for this pump.',
  orderStepsNotFlex:
    'steps belong to a flex order, and this order is {{mode}}: choose Flex for a day in steps, or leave the steps out',
  orderStepsDoseDiffers:
    'the steps of this flex order add up to {{steps}} {{unit}} a day, but the order says {{dose}} {{unit}}: make the dose the steps’ 24-hour total',
  orderAlreadyOpenAnyPump:
    'order #{{id}} for any of the patient’s pumps is still open. Cancel it (with the reason) before writing another order.',
  // Pump limits and the clinic clock
  rateBelowPumpMin: '{{rate}} mL/day is below the pump’s minimum rate of {{limit}} mL/day',
  rateAbovePumpMax: '{{rate}} mL/day is above the pump’s maximum rate of {{limit}} mL/day',
  rateNotPumpStep: '{{rate}} mL/day is not a multiple of the pump’s rate step of {{limit}} mL/day',
  capacityAbovePump: 'a capacity of {{capacity}} mL is more than the {{limit}} mL reservoir of this pump model',
  localTimeNonexistent:
    '{{date}} {{time}} does not exist in the clinic’s time zone ({{timeZone}}): the clocks were put forward over that hour (daylight saving). Enter the time the clock showed.',
  notADateTime: '{{date}} {{time}} is not a date and time',
  // Screening trial
  testDoseNotPositive: 'a test dose must be greater than zero',
  drugNotInLibrary: '{{drug}} is not in the drug library "{{library}}"',
  // Patient records
  patientIdentifierRequired: 'the patient identifier is required',
  patientNameRequired: 'the patient name is required',
  birthDateFormat: 'date of birth is a date YYYY-MM-DD',
  implantDateFormat: 'implant date is a date YYYY-MM-DD',
  patientIdentifierTaken: 'a patient with identifier {{identifier}} exists',
  vasRange: 'the VAS score is a whole number from 0 to 10',
  catheterModelNeeded: 'a catheter length needs the catheter model',
  unknownCatheterModel: 'unknown catheter model {{model}}',
  catheterLengthNeeded: 'the implanted catheter length is needed (after trimming), in cm',
  catheterLengthRange:
    'a {{length}} cm catheter is outside what the {{model}} can be (more than 0, at most {{max}} cm): check the implanted length',
  unknownPumpModel: 'unknown pump model {{model}}',
  pumpSerialTaken: 'pump {{serial}} is already registered',
  pumpNotRegistered: 'pump {{serial}} is not registered to a patient',
  // Systemic opioids
  noSuchSystemicOpioid: 'the patient has no systemic opioid #{{id}}',
  stopBeforeStart: 'the stop date is before the start ({{start}})',
  recordChanged: 'the record changed; read the patient again',
  // Physician review list
  reviewNoteTooShort: 'write what was reviewed and decided (at least 3 characters)',
  noSuchReview: 'there is no review #{{id}}',
  reviewAlreadyCleared: 'review #{{id}} was already cleared by {{user}}',
  // Drug library and site settings
  noSuchLibraryVersion: 'no library version {{version}}',
  libraryAlreadyConfirmed: 'version {{version}} was confirmed by {{user}}',
  librarySecondPerson: 'version {{version}} was saved by {{user}}: a second administrator or pharmacist confirms it',
  alarmVolumeFormat: 'the alarm volume is a volume in mL such as 2 or 3.0',
  // Accounts and signing in
  userNameFormat: 'a user name is 2–40 letters, digits, dots, dashes or underscores',
  displayNameLength: 'a display name is 1–100 characters',
  displayNameUnsafe: 'a display name cannot contain control characters or bidirectional overrides',
  userNameTaken: 'the user name {{username}} is taken',
  firstAdminExists: 'the first administrator already exists',
  noSuchUser: 'there is no user {{username}}',
  cannotDisableSelf: 'you cannot disable your own account while signed in with it',
  lastAdministrator: 'this is the last active administrator: create or enable another administrator first',
  newPasswordSame: 'the new password must differ from the current one',
  accountLocked: 'too many failed sign-ins with this user name: locked until {{until}}',
  wrongCredentials: 'wrong user name or password',
  noAccountYet: 'no account exists yet: create the first administrator',
  witnessSamePerson: 'the witness must be a second person, not the user making the change',
  witnessMustChangePassword:
    'the witness must first sign in and choose their own password (it was set by an administrator)',
  witnessRoleMayNot:
    'the witness must be a physician or a nurse: {{witness}} ({{role}}) cannot witness; ask a physician or a nurse to sign',
  roleMayNot: 'a {{role}} may not {{operation}}',
  passwordChangeRequired:
    'your password was set by an administrator: choose your own password (auth:changePassword) before doing anything else',
  workstationLocked: 'the workstation is locked: sign in again to continue',
  signInFirst: 'sign in first',
  // Programming and boluses (before anything is sent)
  sessionUnresolved:
    'session {{session}} on pump {{serial}} has no confirmed outcome: interrogate to resolve it first; nothing was sent',
  programChangedSinceReview:
    'pump {{serial}} no longer runs the program that was reviewed: review the change again; nothing was sent',
  bolusProgramChangedSinceReview:
    'pump {{serial}} no longer runs the program that was reviewed: review the bolus again; nothing was sent',
  flexStepsNotReported: 'the pump did not report its flex steps; interrogate it again; nothing was sent',
  flexStepsNotReportedRefill:
    'the pump did not report its flex steps: interrogate it again; the program was not changed',
  flexStepsNeeded: 'a flex program needs its steps',
  drugChangeNeedsRefill:
    'a drug change needs the refill workflow with the reservoir rinse and the forced bridge bolus; nothing was sent',
  concentrationChangeNeedsRefill: 'a concentration change needs the refill workflow with its forced bridge bolus',
  softLimitsNeedReason: 'soft limits need an acknowledgement with a reason',
  increaseNeedsWitness: 'a dose increase needs a witness',
  changeNeedsWitness: 'this change needs a witness',
  bolusNeedsWitness: 'a clinician bolus needs a witness',
  bolusNotSupported: 'this link cannot start a bolus; nothing was sent',
  notRecordedNotSent: 'the change could not be recorded, so it was not sent to the pump (technical detail: {{detail}})',
  bolusNotRecordedNotSent:
    'the bolus could not be recorded, so it was not sent to the pump (technical detail: {{detail}})',
  alarmTestNotRecorded:
    'the pump played its alarm tones, but this could not be recorded in the audit trail (technical detail: {{detail}}): free disk space',
  clockNotRecordedNotSent:
    'setting the pump’s clock could not be recorded, so nothing was sent to the pump (technical detail: {{detail}})',
  clockOutcomeNotRecorded:
    'the pump was sent the new clock and now reads {{pumpTime}} (UTC offset {{offset}}), but this could not be recorded in the audit trail (technical detail: {{detail}}): free disk space, then read the pump',
  clockNotSetNotSent:
    'the pump’s clock had to be set to the clinic’s time before a flex program and that did not succeed ({{cause}}); the program was not sent: read the pump and set its clock',
  wandFailedDuringExchange:
    'the wand failed during the exchange (technical detail: {{detail}}): interrogate the pump to see what it applied',
  stopIsNotAMode:
    'a program that delivers nothing is a stop: use Stop (a reason is asked for and the pump is listed as stopped)',
  concentrationNotPositive: 'concentration must be greater than zero',
  // Programs and boluses as entered (the calculations)
  programNoDrug: 'a program needs at least one drug',
  admixtureTooMany: 'an admixture has at most 4 drugs',
  admixtureDrugTwice: '{{drug}} appears twice in the admixture',
  patientBolusPerDayRange: 'max boluses per day is a whole number from 0 to 24',
  patientBolusDurationMin: 'bolus duration is at least 1 minute',
  patientBolusLockoutShort: 'the lockout interval must be at least as long as the bolus',
  patientBolusTooMany: 'that many boluses cannot fit in a day with this lockout interval',
  patientBolusVolumeNotPositive: 'the bolus volume must be greater than zero',
  patientBolusTooFast:
    '{{volume}} mL over {{minutes}} min is {{rate}} mL/day, faster than the pump’s maximum rate of {{limit}} mL/day: lengthen the bolus',
  bolusDurationRange: 'bolus duration is a whole number of minutes from 1 to 1440',
  bolusVolumeNotPositive: 'bolus volume must be greater than zero',
  pumpReportsNoConcentration: 'the pump reports no concentration',
  bolusBelowMicrolitre:
    '{{dose}} {{unit}} is less than one microlitre at {{concentration}} {{concentrationUnit}}: the pump cannot deliver it',
  primingNeedsCatheter:
    'the pump has no registered catheter model and implanted length: register them on the patient’s page; the priming volume is never typed in',
  sameBolusBelowMinimum:
    'at the new concentration the same bolus dose is less than the smallest volume the pump can give: remove the patient bolus',
  flexNoStep: 'a flex schedule needs at least one step',
  flexTooManySteps: 'a flex schedule has at most {{max}} steps; this one has {{count}}',
  flexStepTimeFormat: 'step {{step}} start "{{start}}" is not a time HH:MM from 00:00 to 23:59',
  flexFirstStepMidnight: 'the first step must start at 00:00 so the schedule covers the whole day',
  flexStepsOrder:
    'step {{step}} starts at {{start}}, not after step {{previous}}: steps must be in time order without overlaps',
  doseBelowSmallestRate: '{{dose}} {{unit}} is below the smallest rate the pump can deliver at this concentration',
  pdfDesktopOnly: 'a PDF is saved by the desktop app; in a browser, use Print and choose "Save as PDF"',
  // Pump clock and alarm test
  clockNotSupported: 'this link cannot set the pump clock',
  workstationClockImplausible:
    "this computer's clock reads {{time}}, earlier than any date this programmer can be in use: correct the computer's date and time first (nothing was sent to the pump)",
  clockNotReadBack: 'the clock was sent but could not be read back; interrogate the pump',
  clockStillNotSet: 'the clock was sent, but the pump still reports no clock: set the pump clock again',
  flexNeedsPumpClock:
    'the pump has no clock and this link cannot set it: a flex program was not sent (set the pump clock first)',
  clockDriftAfterSet:
    'the clock was sent, but the pump now reads {{pumpTime}}, {{drift}} s from this computer: set the pump clock again',
  clockOffsetMismatch:
    'the pump reports a UTC offset of {{after}} after it was set to {{offset}} ({{timeZone}}); set the clock again',
  alarmTestNotSupported: 'this link cannot run the alarm test',
  linkNotSupported: 'this link does not support the request',
  readingNotSaved: 'the reading could not be saved (technical detail: {{detail}})',
  // Refill
  patientBolusOtherDrug:
    'a patient bolus of {{oldDrug}} has no equal dose of {{drug}}: remove it now; a physician sets a new one in Programming',
  catheterNeededForBridge:
    'register the catheter model and implanted length of pump {{serial}}: the bridge bolus needs the catheter volume',
  concentrationChangeNeedsContinuous:
    'a concentration change is planned for a pump running simple continuous infusion; this pump is {{mode}}',
  drugChangeNeedsContinuous:
    'a drug change is planned for a pump running simple continuous infusion; this pump is {{mode}}',
  pumpNotDeliveringNoBridge: 'the pump is not delivering: the old drug in the catheter cannot be bridged at its rate',
  orderNotOpenForRefill: 'order #{{id}} is already {{status}}: ask the physician for a new order',
  orderOtherPatient: 'order #{{id}} is for another patient: check the patient and the order',
  orderOtherPump: 'order #{{id}} is for another pump of this patient',
  orderIsAdmixture: 'order #{{id}} is an admixture; this pump holds one drug: ask the physician',
  fillOnlyIfEmpty:
    'the pump counted {{counted}} mL but {{withdrawn}} mL came out: with {{unaccounted}} mL unaccounted for, {{instilled}} mL only fits if the reservoir is truly empty. Record what was checked (aspirated until nothing came, no swelling at the pocket) as the reason, or fill less',
  fillAboveCapacity: '{{instilled}} mL is more than the reservoir capacity of {{capacity}} mL: overfilling is refused',
  fillAboveCapacityWithLeft:
    '{{left}} mL still in the reservoir (not recorded as emptied) + {{instilled}} mL instilled is more than the reservoir capacity of {{capacity}} mL: overfilling is refused',
  fillAtOrBelowAlarm:
    'a reservoir of {{after}} mL is at or below the low-reservoir alarm volume of {{alarm}} mL: fill more',
  syringeNotTheOrder:
    'the syringe holds {{drug}} {{concentration}} {{unit}} but order #{{id}} is for {{orderDrug}} {{orderConcentration}} {{orderUnit}}: do not fill; check the syringe and the order',
  orderDoseNotRunning:
    'order #{{id}} is for {{dose}} {{unit}} but the pump delivers {{pumpDose}} {{pumpUnit}}: a physician changes the dose in Programming (or the order) before the refill',
  orderChangesDrug:
    'order #{{id}} changes the drug: the refill-only visit re-sends the running program unchanged; use the full refill',
  orderChangesConcentration:
    'order #{{id}} changes the concentration: the refill-only visit re-sends the running program unchanged; use the full refill',
  orderChangesMode:
    'order #{{id}} is for another delivery mode than the pump runs (continuous or flex): the refill-only visit re-sends the running program unchanged; use the full refill (a physician changes the mode in Programming)',
  orderChangesSchedule:
    'order #{{id}} names other flex steps than the pump runs: the refill-only visit re-sends the running program unchanged; use the full refill (a physician changes the steps in Programming)',
  drugChangeByPhysician:
    'the syringe holds {{drug}} but the pump holds {{pumpDrug}}: a drug change is programmed by a physician',
  concentrationChangeByPhysician:
    'the syringe is {{concentration}} {{unit}} but the pump holds {{pumpConcentration}} {{pumpUnit}}: a concentration change is programmed by a physician',
  patientBolusDecision:
    'the pump gives patient boluses of {{volume}} mL: decide whether to remove them; the new concentration changes what each bolus gives',
  patientBolusDecisionSameDose:
    'the pump gives patient boluses of {{volume}} mL: decide whether to remove them or keep the same dose ({{sameVolume}} mL at the new concentration); the new concentration changes what each bolus gives',
  emptyReservoirFirst:
    'a new drug or concentration goes into an empty reservoir only: empty it completely and record that it was emptied',
  rinseNeeded:
    'a drug change from {{oldDrug}} to {{drug}}: rinse the emptied reservoir with the new drug, withdraw the rinse, and record its volume before filling',
  rinseNotPositive: 'the rinse volume must be greater than zero',
  rinseAboveCapacity: 'a rinse of {{rinse}} mL is more than the reservoir capacity of {{capacity}} mL',
  rinseAndFillAboveSyringe:
    'the rinse ({{rinse}} mL) and the fill ({{instilled}} mL) are more than the syringe held ({{syringe}} mL)',
  syringeExpired: 'the syringe expired on {{expiry}}',
  instilledAboveSyringe: 'more was instilled than the syringe held',
  discrepancyNeedsAcknowledgement:
    'the pump counted {{counted}} mL but {{withdrawn}} mL came out ({{discrepancy}} mL): record what was checked and the patient’s state before the refill completes',
  // The request itself (the dispatcher)
  unknownChannel: 'unknown channel {{channel}}',
  notPlainJson: 'the request is not plain JSON data',
  payloadTooLarge: 'the request is {{size}} bytes; the limit is {{limit}}',
  unexpectedError: 'an unexpected error occurred; nothing was sent to the pump. See the log for details.',
  unexpectedErrorAfterPump:
    'an unexpected error occurred while the pump was being programmed: the command may have reached the pump. Read the pump to see what it runs before anything else. See the log for details.',
  inputRequired: '{{field}}: required',
  inputInvalid: '{{field}}: not a valid value',
  inputTooLong: '{{field}}: at most {{limit}} characters',
  inputTooShort: '{{field}}: at least {{limit}} characters',
  inputTooLarge: '{{field}}: at most {{limit}}',
  inputTooSmall: '{{field}}: at least {{limit}}',
  inputNotAllowed: '{{field}}: not one of the allowed choices',
  inputUnexpected: '{{field}}: not expected in this request',
  // The wand and the pump link: each cause with what to do (a value in parentheses is the technical detail)
  wandUnplugged:
    'The wand was unplugged. Plug it in again; if a program was being sent, interrogate the pump to confirm what it applied.',
  pumpDidNotAnswer: 'The pump did not answer. Hold the wand directly over the pump and try again.',
  wandInterference: 'Interference on the wand link ({{detail}}). Move away from other equipment and try again.',
  wandBusy: 'Another program is using the wand. Close it and try again.',
  wandNoPermission:
    'No permission to use the wand. On Linux install the udev rule (docs/udev/70-pump-wand.rules) and replug the wand.',
  wandNotReady: 'The wand was not ready ({{detail}}). Try again; if it persists, replug the wand.',
  wandTransferFailed: 'A USB transfer to the wand failed ({{detail}}). Try again; if it persists, replug the wand.',
  wandStalled: 'The wand stopped answering on USB ({{detail}}). Replug the wand.',
  wandUsbError: 'USB error: {{detail}}. Replug the wand and try again.',
  wandUnreadable: 'The wand could not read the request ({{detail}}). Move away from other equipment and try again.',
  wandProtocolViolation:
    'The wand broke the protocol: {{detail}}. Replug the wand and try again; if it persists, the wand needs service.',
  noPumpAnswered: 'No pump answered. Hold the wand directly over the pump and try again.',
  wandRefused: 'The wand refused the request: {{detail}}',
  wandProtocolVersion:
    'The wand speaks protocol version {{wand}}; this programmer speaks version {{programmer}}. Update the wand or the programmer.',
  eventLogDeadline:
    'The pump’s event log was not read within {{seconds}} s (page {{page}} of {{pages}}). Hold the wand over the pump and try again.',
  noWandAttached: 'No wand is attached. Plug the wand in and try again.',
  noUsb: 'USB is not available on this computer.',
  wandSentInvalid: 'the wand sent {{detail}}',
  bridgeDurationWhole: 'the bridge duration is a whole number of minutes',
  bolusDurationWhole: 'bolus duration is a whole number of minutes',
  wandReset:
    'The wand did not answer in time and was reset. Check the wand connection and try again; if a program was being sent, interrogate the pump to confirm what it applied.',
  wandProcessStopped:
    'The wand process stopped; it is restarted for the next request. Try again; if a program was being sent, interrogate the pump to confirm what it applied.',
  wandLinkClosed: 'The wand link was closed.',
  notExactOnWire: '{{field}} {{value}} cannot be sent exactly (resolution 1/{{scale}})',
  pumpClockRange:
    'the pump clock runs from 2000-01-01T00:00:01Z to {{last}} (2000-01-01T00:00:00Z means no clock); {{time}} is outside it',
  pumpUtcOffsetRange: 'the pump takes a UTC offset of whole minutes from {{min}} to +{{max}}; {{offset}} is outside it',
  // Calculations (pumpctl calc and the bolus calculators)
  bridgeDoseNotPositive: 'daily dose must be greater than zero for a bridge',
  oldConcentrationNotPositive: 'old concentration must be greater than zero',
  newConcentrationNotPositive: 'new concentration must be greater than zero',
  deadVolumeNotPositive: 'dead volume must be greater than zero',
  capacityNotPositive: 'capacity must be greater than zero',
  fillVolumeAboveCapacity:
    'fill volume {{fill}} mL is more than the reservoir capacity of {{capacity}} mL: overfilling is refused',
  alarmNotBelowCapacity: 'the alarm volume must be below the reservoir capacity',
  dateFieldFormat: '{{field}} "{{value}}" is not a date YYYY-MM-DD',
  forecastNeedsLimit: 'nothing leaves the reservoir and no other limit is known: give the drug’s stability',
  forecastNeverAlarms: 'rate and patient boluses are both zero: the reservoir never reaches the alarm',
  residualWithWithdrawn: 'expectedResidual and withdrawnVolume are given together, to compute the discrepancy',
  implantedLengthNotPositive: 'implanted catheter length must be greater than zero',
  implantedLengthAboveCatheter: '{{length}} cm is longer than the {{catheter}} ({{max}} cm)',
  bolusRateNotPositive: 'the bolus rate must be greater than zero',
  pumpModelsDiffer: '--pump-model {{option}} and "pumpModel": "{{input}}" name different pump models',
  unknownPumpModelKnown: 'unknown pump model "{{model}}" (known: {{known}})',
  // The web host and the desktop shell
  hostInternalError: 'the programmer could not answer this request; see its log',
  hostUnexpectedHost: 'the request named another host than this programmer’s address',
  hostBadAddress: 'the address is not validly encoded',
  hostMethodNotAllowed: 'this address does not take a {{method}} request',
  hostOtherOrigin: 'requests from other web pages are refused',
  hostWrongToken: 'this page is not connected to the programmer: open the address the web host printed',
  hostNotJson: 'the request body is not valid JSON',
  hostNotFound: 'there is nothing at this address',
  hostUnreadable: 'the request could not be read',
  ipcUntrustedFrame: 'a request from a page the programmer does not trust was refused',
  pdfLayoutFailed: 'the report could not be laid out as a PDF ({{detail}})',
  pdfNotWritten:
    'the PDF could not be written to {{path}} ({{detail}}). Choose another folder or free some disk space; nothing else was changed',
  // Sign-out and lock when the audit trail cannot be written
  signOutNotRecorded:
    'you are signed out, but the sign-out could not be recorded in the audit trail ({{error}}): tell the administrator',
  lockNotRecorded:
    'the workstation is locked, but the lock could not be recorded in the audit trail ({{error}}): tell the administrator',
  // Read-back: what the pump reported after a write, where it differs from what was sent
  readBackFailed: 'read-back failed: {{cause}}',
  sessionSettledElsewhere:
    'nothing was sent: this write was held up so long that another programmer read the pump and recorded session {{session}} as {{outcome}}. Read the pump and review again',
  writeOtherPump:
    'nothing was sent: the wand now finds pump {{found}}, not pump {{serial}} that was reviewed. Hold the wand over pump {{serial}}, read it and review again',
  probeOtherPump:
    'the wand found pump {{found}}, not pump {{serial}}: hold the wand over pump {{serial}} and read it again',
  readBackOtherPump:
    'the wand read back pump {{read}}, not pump {{serial}} that was written: what that pump did is not known',
  readBackTransaction: 'transaction: the pump names {{applied}} as its last, {{sent}} was sent',
  readBackNoTransaction: 'transaction: the pump names none as its last, {{sent}} was sent',
  readBackDrug: 'drug: {{readDrug}} read back, {{sentDrug}} sent',
  readBackConcentration: 'concentration: {{read}} {{readUnit}} read back, {{sent}} {{sentUnit}} sent',
  readBackMode: 'mode: {{readMode}} read back, {{sentMode}} sent',
  readBackStepCount: 'flex steps: {{read}} read back, {{sent}} sent',
  readBackStep:
    'flex step {{step}}: {{readStart}} at {{readRate}} {{rateUnit}} read back, {{start}} at {{rate}} {{rateUnit}} sent',
  readBackStepMissing: 'flex step {{step}}: none read back, {{start}} at {{rate}} {{rateUnit}} sent',
  readBackRate: 'rate: {{read}} {{rateUnit}} read back, {{sent}} {{rateUnit}} sent',
  readBackBolusMissing: 'patient bolus: sent, but none read back',
  readBackBolusUnexpected: 'patient bolus: read back, but none was sent',
  readBackBolusSettings: 'patient bolus: its settings read back differ from those sent',
  readBackBridgeNotRunning: 'bridge: not running',
  readBackBridgeMore: 'bridge: {{left}} {{volumeUnit}} left, more than the {{sent}} {{volumeUnit}} sent',
  readBackReservoir: 'reservoir: {{read}} {{volumeUnit}} read back, {{sent}} {{volumeUnit}} sent',
  // The bookkeeping alarm (app:info): what the audit trail still owes after a storage failure
  bookkeepingOutcomeNotRecorded: 'the outcome of session {{session}} is not recorded yet ({{detail}})',
  bookkeepingNotSigned: 'the audit trail is not signed yet ({{detail}})',
  bookkeepingTrailChanged:
    'the audit trail is not signed yet, and will not be: it changed since it was signed ({{detail}}). Tell the administrator: verify the trail.',
  bookkeepingNoKey:
    'the audit trail is not signed yet: its key is not in the key folder ({{detail}}). Restore the key folder from its backup.',
} as const;

export type ServerMessageKey = keyof typeof serverMessages;

/**
 * Refusals of the witness, not of the signed-in user: the screens say them in their own words
 * rather than under the error code's sentence (which speaks to the user: "your role…").
 */
export const witnessMessageKeys: readonly string[] = [
  'witnessSamePerson',
  'witnessMustChangePassword',
  'witnessRoleMayNot',
] satisfies readonly ServerMessageKey[];
