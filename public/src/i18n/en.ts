// English catalogue: the reference set of keys every other language must match.

export const en = {
  'site.name': 'Confidential Reporting Portal',
  'site.tagline': 'Report interference in judicial cases, encrypted end to end',
  'skip.link': 'Skip to main content',
  'nav.label': 'Main',
  'nav.home': 'Home',
  'nav.report': 'Make a report',
  'nav.followUp': 'Follow up',
  'lang.switch': '中文',
  'lang.switchLabel': 'Switch language to Chinese',
  'exit.label': 'Quick exit',
  'exit.aria': 'Quick exit: leave this site now',
  'footer.note':
    'This portal keeps only encrypted text. Nothing is stored in your browser except your language choice.',
  'common.optional': '(optional)',
  'common.required': '(required)',

  'home.title': 'Report interference in judicial cases, safely',
  'home.intro':
    'If you work in a court, procuratorate or police body and have seen leading officials interfere in a case, insiders pry into cases, improper contact with parties, lawyers, relatives or intermediaries, bribery or favours, or abuse of discretion, you can report it here without giving your name.',
  'home.cta.report': 'Make a report',
  'home.cta.followUp': 'Follow up with a receipt',
  'home.who.title': 'Who can read what',
  'home.who.unit':
    'Your report is encrypted in your browser before it is sent. Only the supervisors of the unit you choose can read it, and the supervisors of the unit above if you ask for a copy.',
  'home.who.server':
    'The server stores only encrypted text, the unit you chose and the status of the case. It does not record your IP address or your browser.',
  'home.who.receipt':
    'You get a receipt code. It is the only way back to your report: to read replies, add information or flag retaliation. Nobody can recover it for you.',
  'home.how.title': 'How it works',
  'home.how.step1':
    'Choose the supervision unit that should receive your report. You may choose a higher unit directly.',
  'home.how.step2': 'Describe what happened and attach evidence if you have it.',
  'home.how.step3': 'Write down your receipt code and come back with it to read replies.',
  'home.safety.title': 'Stay safe',
  'home.safety.device':
    'Use a personal device on a personal network, not a work computer or office Wi-Fi.',
  'home.safety.tor': 'For the strongest protection, use Tor Browser.',
  'home.safety.details':
    'Leave out details that only you could know, unless they are needed to understand what happened.',
  'home.safety.exit': 'The “Quick exit” link at the top of every page leaves this site at once.',

  'report.title': 'Make a report',
  'report.intro':
    'Everything you write and every file you attach is encrypted in this browser before it leaves it.',
  'report.unit.legend': '1. Who should receive your report',
  'report.unit.help':
    'Choose a supervision unit. You can choose a higher unit directly, for example if you do not trust the local one.',
  'report.unit.loading': 'Loading units…',
  'report.unit.loadError': 'Could not load the list of units. Reload the page to try again.',
  'report.unit.none': 'No unit can receive reports yet.',
  'report.unit.demo': 'DEMO',
  'report.unit.demoNote':
    'Demo units are for trying the portal only. Do not send real reports to them.',
  'report.unit.noKeys': 'cannot receive reports yet',
  'report.copy.label': 'Also send to the unit above: {unit}',
  'report.readers.title': 'Who can read this report',
  'report.readers.choose': 'Choose a unit to see who can read your report.',
  'report.readers.unit': 'The supervisors of {unit} (supervisor keys: {count}).',
  'report.readers.parent': 'The supervisors of {unit} (supervisor keys: {count}).',
  'report.readers.you': 'You, with your receipt code.',
  'report.readers.nobody': 'Nobody else: not the server operator, not the administrators.',
  'report.readers.fingerprints': 'Show key fingerprints',
  'report.details.legend': '2. What happened',
  'report.category.label': 'Category',
  'report.category.placeholder': 'Choose a category',
  'report.what.label': 'What happened',
  'report.what.help': 'Describe the facts: what was said or done, by whom, in which case.',
  'report.when.label': 'When',
  'report.when.help': 'A date or period, as precise as you can safely be.',
  'report.where.label': 'Where',
  'report.who.label': 'Who was involved',
  'report.who.help': 'Names, positions, case numbers.',
  'report.how.label': 'How do you know this?',
  'report.how.help': 'For example: you saw or heard it, someone told you, or you saw documents.',
  'report.files.legend': '3. Evidence (optional)',
  'report.submit': 'Encrypt and send report',
  'report.submitHelp':
    'Sending can take a minute: your browser creates keys, encrypts, and solves a small puzzle that keeps automated abuse away.',
  'report.error.unit': 'Choose the unit that should receive your report.',
  'report.error.category': 'Choose a category.',
  'report.error.what': 'Describe what happened.',

  'category.interference': 'Leading officials interfering in a case',
  'category.prying': 'Insiders prying into cases',
  'category.improper_contact':
    'Improper contact with parties, lawyers, relatives or intermediaries',
  'category.bribery': 'Bribery or favours',
  'category.abuse_of_discretion': 'Abuse of discretion',
  'category.retaliation': 'Retaliation',
  'category.other': 'Other',

  'level.national': 'National',
  'level.provincial': 'Provincial',
  'level.intermediate': 'Intermediate',
  'level.basic': 'Basic',

  'files.label': 'Attach files',
  'files.help':
    'Up to 25 MB per file. Files are encrypted in this browser. If you can, remove hidden details (author, location) from documents and photos first.',
  'files.tooBig': '“{name}” is larger than 25 MB and was not added. Reduce its size or split it.',
  'files.selected': 'Files to send',
  'files.remove': 'Remove',
  'files.removeLabel': 'Remove {name}',

  'progress.keys': 'Creating your private key…',
  'progress.encrypt': 'Encrypting…',
  'progress.pow': 'Solving the anti-abuse puzzle… ({tries} tries)',
  'progress.send': 'Sending…',
  'progress.encryptFile': 'Encrypting file {current} of {total}…',
  'progress.uploadFile': 'Uploading file {current} of {total}…',
  'progress.decrypt': 'Decrypting your report…',

  'error.network':
    'Could not reach the portal. Check your connection and try again. What you typed is still here.',
  'error.rateLimited':
    'Too many attempts. Wait a few minutes, then try again. What you typed is still here.',
  'error.server':
    'The portal had a problem. Try again in a few minutes. What you typed is still here.',
  'error.rejected': 'The portal refused the request: {message} Check the form and try again.',
  'error.unexpected':
    'Something went wrong in this browser. Try again; what you typed is still here.',

  'receipt.title': 'Your report was sent',
  'receipt.received': 'Received on {day}.',
  'receipt.label': 'Your receipt code',
  'receipt.once': 'This is the only time the receipt code is shown.',
  'receipt.advice.write': 'Write it down on paper, or keep it somewhere only you can reach.',
  'receipt.advice.work': 'Do not store it on a work device or in a work account.',
  'receipt.advice.only':
    'It is the only way back to your report. Nobody, not even the supervisors, can recover it.',
  'receipt.advice.secret':
    'Anyone who has it can read your report and the replies: keep it secret.',
  'receipt.copy': 'Copy',
  'receipt.copied': 'Copied. Remember to clear your clipboard afterwards.',
  'receipt.copyFailed': 'Could not copy. Select the code and copy it by hand.',
  'receipt.save': 'Save as text file',
  'receipt.fileName': 'receipt.txt',
  'receipt.fileText':
    'Receipt code: {code}\nFollow up at: {url}\nKeep this secret. Nobody can recover it.',
  'receipt.followUp': 'Go to the follow-up page',
  'receipt.filesFailed':
    'The report was sent, but these files could not be uploaded: {names}. Open the follow-up page with your receipt code to send them again.',

  'follow.title': 'Follow up on a report',
  'follow.intro':
    'Enter your receipt code to read the status and replies, add information, or flag retaliation.',
  'follow.receipt.label': 'Receipt code',
  'follow.receipt.help': '25 letters and digits. Dashes, spaces and capitals do not matter.',
  'follow.open': 'Open my report',
  'follow.error.length':
    'A receipt code has 25 letters and digits. Check that no character is missing or extra.',
  'follow.error.character':
    'The receipt code contains a character that never appears in receipts. Check each character.',
  'follow.error.checksum':
    'This receipt code contains a typo. Compare each group with what you wrote down.',
  'follow.notFound': 'No report matches this receipt. Check the code and try again.',
  'follow.lookup': 'Checking your receipt… ({tries} tries)',
  'follow.close': 'Close the report',
  'follow.refreshing': 'Updating…',

  'case.title': 'Your report',
  'case.unit': 'Sent to',
  'case.copied': 'Copy sent to',
  'case.receivedDay': 'Received on',
  'case.state': 'Status',
  'case.outcome': 'Outcome',
  'case.retaliation': 'Retaliation flagged',
  'case.history': 'History',
  'case.messages': 'Messages',
  'case.flags': 'Retaliation flags',
  'case.flagLine': 'Flag of {day}: {state}. Response due by {due}.',
  'case.yes': 'Yes',

  'state.received': 'Received',
  'state.acknowledged': 'Acknowledged',
  'state.in_review': 'In review',
  'state.investigating': 'Being investigated',
  'state.closed': 'Closed',
  'outcome.substantiated': 'Substantiated',
  'outcome.unsubstantiated': 'Not substantiated',
  'outcome.referred': 'Referred to another authority',
  'outcome.withdrawn': 'Withdrawn',
  'flagState.received': 'received',
  'flagState.acknowledged': 'acknowledged',
  'flagState.measures_taken': 'measures taken',
  'flagState.resolved': 'resolved',

  'kind.report': 'Your report',
  'kind.message': 'Your message',
  'kind.retaliation': 'Your retaliation flag',
  'kind.reply': 'Reply from the supervisors',
  'msg.verified': 'Signature verified: written by the unit’s supervisors.',
  'msg.unverified': 'Signature not verified. This reply may be forged and is not shown.',
  'msg.undecryptable': 'This message could not be decrypted.',
  'msg.text': 'Message',
  'msg.attachments': 'Files',
  'msg.download': 'Download file ({size})',
  'msg.downloading': 'Decrypting file…',
  'msg.downloadFailed': 'The file could not be downloaded or decrypted. Try again.',

  'compose.message.title': 'Add information',
  'compose.message.text': 'Your message',
  'compose.message.submit': 'Encrypt and send message',
  'compose.message.sent': 'Your message was sent.',
  'compose.message.error': 'Write a message first.',
  'compose.filesFailed':
    'It was sent, but these files could not be uploaded: {names}. Attach them to a new message to try again.',
  'compose.ret.title': 'Flag retaliation',
  'compose.ret.intro':
    'If you suffer or are threatened with retaliation because of your report, tell the supervisors here. The flag also goes to the unit above, raises the priority of your case and starts a shorter deadline.',
  'compose.ret.kind': 'Kind of retaliation',
  'compose.ret.kindPlaceholder': 'Choose a kind',
  'compose.ret.started': 'When did it start?',
  'compose.ret.details': 'What happened',
  'compose.ret.submit': 'Encrypt and send flag',
  'compose.ret.sent': 'Your retaliation flag was sent.',
  'compose.ret.error': 'Choose a kind and describe what happened.',

  'retKind.demotion': 'Demotion',
  'retKind.transfer': 'Transfer',
  'retKind.dismissal': 'Dismissal',
  'retKind.harassment': 'Harassment',
  'retKind.threats': 'Threats',
  'retKind.exposure_of_identity': 'Exposure of identity',
  'retKind.other': 'Other',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
