# Supportweb — čeština (výchozí jazyk) — timeline

## Časová osa organizace
timeline-title = Časová osa: { $name }
timeline-link = Časová osa
timeline-hint = Co se u organizace dělo ve všech agendách, od nejnovějšího. Vidíte jen to, k čemu máte přístup.
timeline-agenda = Agenda
timeline-all = Vše
timeline-show = Zobrazit
timeline-empty = Zatím se nic nestalo.
timeline-older = Starší události
timeline-newest = Od nejnovějších
timeline-contracts = Smlouvy
timeline-related = Souvisí
timeline-error-filter = Neplatná hodnota.
timeline-error-filters = Některý filtr má neplatnou hodnotu; opravte jej.
timeline-document-opened = Založen podpůrný dokument
timeline-document-state = Změna stavu dokumentu
timeline-document-reply = Odpověď v dokumentu
timeline-document-note = Interní poznámka v dokumentu
timeline-document-patch = Dokument vyřešen patchem
timeline-order-submitted = Zadána objednávka úprav
timeline-order-state = Krok objednávky
timeline-order-reply = Odpověď v objednávce
timeline-order-note = Interní poznámka v objednávce
timeline-protocol-issued = Vydán protokol
timeline-protocol-confirmed = Protokol potvrzen
timeline-protocol-objected = K protokolu vzneseny připomínky
timeline-task-due = Termín úkolu
timeline-task-done = Úkol splněn
timeline-patch-published = Publikován patch
timeline-contract-concluded = Uzavřena smlouva
timeline-contract-changed = Změna smlouvy
timeline-revision = revize { $revision }

## Úvodní stránka: moje práce
work-documents-assigned = Moje otevřené dokumenty
work-documents-unassigned = Nepřiřazené dokumenty mých zákazníků
work-tasks-mine = Úkoly z protokolů, za které odpovídám
work-orders-waiting = Objednávky čekající na nás
work-protocols-overdue = Protokoly po termínu ověření
work-documents-waiting = Dokumenty čekající na mou odpověď
work-quotes-to-approve = Nabídky ke schválení
work-protocols-to-verify = Protokoly k mému ověření
work-tasks-owed = Úkoly naší organizace
work-patches-new = Nové patche pro naše instalace
work-nothing = Nic nečeká.
work-all = Zobrazit vše
work-due = termín { $when }
work-urgent = Hoří
