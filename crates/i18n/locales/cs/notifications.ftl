# Supportweb — čeština (výchozí jazyk) — notifications

## E-mail notifications
mail-subject-document-created = Nový support dokument: { $subject }
mail-subject-document-reply = Nová odpověď: { $subject }
mail-subject-document-note = Interní poznámka: { $subject }
mail-subject-document-state = Změna stavu: { $subject }
mail-subject-sla-breach = Překročena lhůta SLA: { $subject }
mail-intro-document-created = { $name } otevřel(a) nový support dokument.
mail-intro-document-reply = { $name } odpověděl(a):
mail-intro-document-note = { $name } přidal(a) interní poznámku (zákazník ji nevidí):
mail-intro-document-state = { $name } změnil(a) stav:
mail-intro-sla-breach = Support dokument překročil lhůtu SLA: { $deadline }.
mail-the-portal = Portál
mail-open = Dokument otevřete zde: { $url }
mail-footer = Tuto zprávu poslal portál Supportweb. Která upozornění dostáváte, nastavíte na { $url }
notify-title = Upozornění e-mailem
notify-intro = Vyberte, o čem vám portál pošle e-mail. Týká se jen dokumentů, které smíte vidět.
notify-kind-document-created = Nový support dokument (tým zákazníka, nebo organizace se všemi upozorněními)
notify-kind-document-reply = Veřejná odpověď v dokumentu, který jste založili nebo sledujete
notify-kind-document-note = Interní poznámka (jen pracovníci dodavatele)
notify-kind-document-state = Změna stavu dokumentu, který jste založili nebo sledujete
notify-kind-sla-breach = Překročení lhůty SLA (tým zákazníka a řešitel)
notify-save = Uložit
notify-saved = Nastavení upozornění je uloženo.
notify-error-kind = Tento druh upozornění nelze nastavit.
